"""Write into the working copy of the submission until it is full."""
import os

block = b"\0" * (1024 * 1024)
with open(os.path.join(os.getcwd(), "filler"), "wb") as sink:
    while True:
        sink.write(block)
        sink.flush()
