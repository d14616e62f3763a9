"""Write to /tmp until it is full."""
block = b"\0" * (1024 * 1024)
with open("/tmp/filler", "wb") as sink:
    while True:
        sink.write(block)
        sink.flush()
