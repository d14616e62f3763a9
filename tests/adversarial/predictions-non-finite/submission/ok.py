"""A well-behaved train/predict, used by the stage a case does not attack."""
import csv
import sys
from pathlib import Path

if sys.argv[1] == "train":
    Path(sys.argv[3], "model.txt").write_text("1")
else:
    with open(sys.argv[3], newline="") as source, open(sys.argv[4], "w") as sink:
        sink.write("row_id,prediction\n")
        for row in csv.DictReader(source):
            sink.write(f"{row['row_id']},1\n")
