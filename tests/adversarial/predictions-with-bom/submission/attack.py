"""Predictions as Excel saves them: a UTF-8 BOM before the header, CRLF line ends."""
import csv
import sys

with open(sys.argv[2], newline="") as source, open(sys.argv[3], "w", encoding="utf-8-sig") as sink:
    sink.write("row_id,prediction\r\n")
    for row in csv.DictReader(source):
        sink.write(f"{row['row_id']},1\r\n")
