"""Write churn predictions for a features CSV."""

import argparse
import os

import joblib
import pandas as pd

from prep import clean


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    model = joblib.load(os.path.join(args.model, "model.joblib"))
    df = pd.read_csv(args.input)
    proba = model.predict_proba(clean(df))[:, 1]
    out = pd.DataFrame(
        {"customer_id": df["customer_id"], "prediction": (proba >= 0.5).astype(int), "probability": proba}
    )
    out.to_csv(args.output, index=False)
    print(f"wrote {len(out)} predictions")


if __name__ == "__main__":
    main()
