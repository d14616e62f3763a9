"""Print 1 GB to stdout."""
import sys

line = "x" * 1023 + "\n"
for _ in range(1024 * 1024):
    sys.stdout.write(line)
