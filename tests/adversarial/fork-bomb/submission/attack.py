"""Fork until the pids limit, and keep trying."""
import os
import time

while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.05)
