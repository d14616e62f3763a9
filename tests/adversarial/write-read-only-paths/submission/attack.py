"""Try to write everywhere that should be read-only."""
import sys

targets = ["/usr/lib/evil", "/etc/passwd", "/submission/evil.py", "/input/features.csv",
           sys.argv[1] + "/model.txt", "/evil", "/opt/evil"]
wrote = []
for path in targets:
    try:
        with open(path, "a") as sink:
            sink.write("pwned")
        wrote.append(path)
    except OSError as err:
        print("denied", path, type(err).__name__)
if wrote:
    sys.exit(f"FAIL: wrote {wrote}")
import csv
with open(sys.argv[2], newline="") as source, open(sys.argv[3], "w") as sink:
    sink.write("row_id,prediction\n")
    for row in csv.DictReader(source):
        sink.write(f"{row['row_id']},1\n")
