"""Train a gradient boosting churn model and report cross-validated ROC AUC."""

import argparse
import os

import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

from prep import CATEGORICAL, NUMERIC, clean


def make_model():
    encode = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), CATEGORICAL)],
        remainder="passthrough",
    )
    return Pipeline(
        [
            ("encode", encode),
            ("model", HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=42)),
        ]
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    df = pd.read_csv(os.path.join(args.data, "train.csv"))
    X = clean(df)
    y = df["churned"].astype(int)

    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    scores = cross_val_score(make_model(), X, y, cv=cv, scoring="roc_auc")
    print(f"CV ROC AUC: {scores.mean():.3f} (+/- {scores.std():.3f})")

    model = make_model().fit(X, y)
    os.makedirs(args.out, exist_ok=True)
    joblib.dump(model, os.path.join(args.out, "model.joblib"))
    print("saved model to", args.out)


if __name__ == "__main__":
    main()
