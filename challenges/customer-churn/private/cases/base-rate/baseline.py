"""Churn baseline: every customer gets the historical churn rate.

Usage:
    python baseline.py fit DATA_DIR OUT_DIR
    python baseline.py score OUT_DIR INPUT_CSV OUTPUT_CSV
"""
import json
import sys
from pathlib import Path

import pandas as pd


def fit(data_dir, out_dir):
    labels = pd.read_csv(Path(data_dir) / "train.csv", usecols=["churned"])["churned"]
    rate = float(pd.to_numeric(labels, errors="coerce").dropna().mean())
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / "rate.json").write_text(json.dumps({"churn_rate": rate}))
    print(f"historical churn rate: {rate:.3f}")


def score(out_dir, input_csv, output_csv):
    rate = json.loads((Path(out_dir) / "rate.json").read_text())["churn_rate"]
    ids = pd.read_csv(input_csv, usecols=["customer_id"])["customer_id"]
    result = pd.DataFrame({"customer_id": ids, "prediction": int(rate >= 0.5), "probability": rate})
    Path(output_csv).parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(output_csv, index=False)


if __name__ == "__main__":
    if sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3])
    else:
        score(sys.argv[2], sys.argv[3], sys.argv[4])
