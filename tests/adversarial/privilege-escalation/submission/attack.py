"""Try to become root or gain capabilities; succeed only if every attempt fails."""
import os
import subprocess
import sys

status = open("/proc/self/status").read()
caps = [line for line in status.splitlines() if line.startswith(("CapEff", "CapPrm", "NoNewPrivs"))]
print(caps)
if "CapEff:\t0000000000000000" not in status or "NoNewPrivs:\t1" not in status:
    sys.exit("FAIL: capabilities or no-new-privileges")
if os.getuid() == 0:
    sys.exit("FAIL: running as root")
for attempt in (lambda: os.setuid(0), lambda: os.chroot("/tmp"), lambda: os.mknod("/tmp/dev", 0o600 | 0o020000, os.makedev(8, 0))):
    try:
        attempt()
        sys.exit("FAIL: a privileged call succeeded")
    except OSError as err:
        print("denied", type(err).__name__)
for command in (["su", "-c", "id"], ["mount", "-t", "tmpfs", "x", "/tmp"]):
    try:
        done = subprocess.run(command, capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            sys.exit(f"FAIL: {command} succeeded")
    except (OSError, subprocess.TimeoutExpired) as err:
        print("denied", command[0], type(err).__name__)
print("all denied")
open(sys.argv[2] + "/model.txt", "w").write("1")
