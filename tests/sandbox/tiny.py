"""A tiny customer-churn submission for sandbox tests that need every stage to pass fast: the
standard library only (the churn rate as every probability), a one-line test, and a service on
`http.server`. `requirements` adds a requirements.txt; `train_sleeps` makes train never end."""

from __future__ import annotations

import zipfile
from pathlib import Path

ASSESSMENT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python train.py {data} {artifacts}"
predict = "python predict.py {artifacts} {input} {output}"
test    = "pytest -q"
serve   = "python serve.py {artifacts} {port}"

[serve]
health  = "/health"
predict = "/predict"

[estimate]
metric = "roc_auc"
value  = 0.5
method = "a constant: the churn rate of train.csv"
"""

TRAIN = """\
import csv, json, sys
with open(sys.argv[1] + "/train.csv", newline="") as f:
    rows = list(csv.DictReader(f))
rate = sum(row["churned"] == "1" for row in rows) / len(rows)
with open(sys.argv[2] + "/model.json", "w") as f:
    json.dump({"rate": rate}, f)
print("trained on", len(rows), "rows")
"""

SLEEPING_TRAIN = """\
import sys, time
print("training forever", sys.argv[1], flush=True)
time.sleep(3600)
"""

PREDICT = """\
import csv, json, sys
rate = json.load(open(sys.argv[1] + "/model.json"))["rate"]
with open(sys.argv[2], newline="") as f:
    ids = [row["customer_id"] for row in csv.DictReader(f)]
with open(sys.argv[3], "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["customer_id", "prediction", "probability"])
    out.writerows([i, int(rate >= 0.5), rate] for i in ids)
"""

TEST = """\
def test_arithmetic():
    assert 1 + 1 == 2
"""

SERVE = """\
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

RATE = json.load(open(sys.argv[1] + "/model.json"))["rate"]


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, {"status": "ok"}) if self.path == "/health" else self.answer(404, {})

    def do_POST(self):
        try:
            rows = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            ids = [row["customer_id"] for row in rows]
        except Exception:
            return self.answer(400, {"error": "a list of records with customer_id"})
        self.answer(200, [{"customer_id": i, "probability": RATE} for i in ids])

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
"""


def tiny_zip(target: Path, requirements: str | None = None, train_sleeps: bool = False) -> Path:
    """Write the tiny submission's zip to `target`."""
    files = {
        "assessment.toml": ASSESSMENT,
        "train.py": SLEEPING_TRAIN if train_sleeps else TRAIN,
        "predict.py": PREDICT,
        "test_model.py": TEST,
        "serve.py": SERVE,
        "README.md": "# Tiny\n\nThe churn rate as every probability, for the harness's tests.\n",
    }
    if requirements is not None:
        files["requirements.txt"] = requirements
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return target
