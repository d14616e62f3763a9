"""Every prediction finite but one: the second row's is inf."""
import csv
import sys

with open(sys.argv[2], newline="") as source, open(sys.argv[3], "w") as sink:
    sink.write("row_id,prediction\n")
    for number, row in enumerate(csv.DictReader(source)):
        sink.write(f"{row['row_id']},{'inf' if number == 1 else 1}\n")
