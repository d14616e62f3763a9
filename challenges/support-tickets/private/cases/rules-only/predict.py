"""Route a CSV of tickets: rules first, the classifier for the rest."""

import argparse
import os

import joblib
import pandas as pd

from rules import route


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    models = joblib.load(os.path.join(args.model, "models.joblib"))
    frame = pd.read_csv(args.input, keep_default_na=False)
    routed = route(models, frame)
    pd.DataFrame({
        "ticket_id": frame["ticket_id"],
        "prediction": [q for q, _ in routed],
        "urgency": [u for _, u in routed],
    }).to_csv(args.output, index=False)
    print(f"routed {len(frame)} tickets")


if __name__ == "__main__":
    main()
