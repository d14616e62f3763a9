"""Write predictions for a features CSV.

    python predict.py --model MODEL_DIR --input features.csv --output predictions.csv
"""

import argparse
from pathlib import Path

import joblib
import pandas as pd

from cleaning import FEATURES, clean

THRESHOLD = 0.5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    model = joblib.load(Path(args.model) / "model.joblib")
    df = pd.read_csv(args.input)
    proba = model.predict_proba(clean(df)[FEATURES])[:, 1]
    out = pd.DataFrame(
        {
            "reading_id": df["reading_id"],
            "prediction": (proba >= THRESHOLD).astype(int),
            "probability": proba.round(4),
        }
    )
    out.to_csv(args.output, index=False)
    print(f"wrote {len(out)} predictions to {args.output}")


if __name__ == "__main__":
    main()
