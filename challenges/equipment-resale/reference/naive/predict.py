"""Predict resale prices.

python predict.py --model MODEL_DIR --input features.csv --output predictions.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from cleaning import clean


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    model = joblib.load(args.model / "model.joblib")
    df = pd.read_csv(args.input, dtype={"listing_id": str})
    prediction = np.expm1(model.predict(clean(df))).clip(min=0).round(2)
    pd.DataFrame({"listing_id": df["listing_id"], "prediction": prediction}).to_csv(
        args.output, index=False
    )
    print(f"wrote {len(df)} predictions to {args.output}")


if __name__ == "__main__":
    main()
