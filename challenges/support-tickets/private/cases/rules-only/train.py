"""Fit the queue and urgency classifiers on train.csv and report cross-validated scores."""

import argparse
import json
import os

import joblib
import pandas as pd
import sklearn
from sklearn.model_selection import StratifiedKFold, cross_val_score

from rules import build_classifier, normalise


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cv", action="store_true", help="also print 5-fold CV scores")
    args = parser.parse_args()

    df = pd.read_csv(os.path.join(args.data, "train.csv"), keep_default_na=False)
    df = df.drop_duplicates(subset=["subject", "body"])
    texts = [normalise(s, b) for s, b in zip(df["subject"], df["body"])]
    if args.cv:
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        scores = cross_val_score(build_classifier(), texts, df["queue"], cv=folds,
                                 scoring="balanced_accuracy")
        print(f"queue balanced accuracy, 5-fold: {scores.mean():.3f} +/- {scores.std():.3f}")
    models = {"queue": build_classifier().fit(texts, df["queue"].astype(int)),
              "urgency": build_classifier().fit(texts, df["urgency"])}
    os.makedirs(args.out, exist_ok=True)
    joblib.dump(models, os.path.join(args.out, "models.joblib"))
    meta = {"tickets": len(df), "sklearn": sklearn.__version__, "pandas": pd.__version__}
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"trained on {len(df)} tickets")


if __name__ == "__main__":
    main()
