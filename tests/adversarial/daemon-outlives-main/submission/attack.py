"""Leave a daemon running after the main process exits."""
import os
import sys
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            with open(sys.argv[2] + "/heartbeat", "a") as beat:
                beat.write("beat\n")
            time.sleep(0.1)
    os._exit(0)
open(sys.argv[2] + "/model.txt", "w").write("1")
print("main process done")
