"""Allocate memory until something stops us."""
hoard = []
while True:
    hoard.append(bytearray(16 * 1024 * 1024))
