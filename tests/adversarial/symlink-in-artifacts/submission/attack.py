"""Plant links in the output pointing at host paths."""
import os
import sys

os.symlink("/etc/shadow", sys.argv[3])
os.symlink("/root", os.path.dirname(sys.argv[3]) + "/root")
print("links planted")
