"""One file of 1 GiB in {artifacts}: past the file-size ulimit."""
import sys

block = b"\0" * (1024 * 1024)
with open(sys.argv[2] + "/huge.bin", "wb") as sink:
    for _ in range(1024):
        sink.write(block)
        sink.flush()
