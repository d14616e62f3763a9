"""Churn model in one file: screen out post-outcome columns, then a logistic regression.

A column is treated as recorded after the outcome when it is (a) almost always zero for
customers who stayed, (b) almost always non-zero for those who left, and (c) unrelated to
tenure: a count that accumulates over an account's life grows with tenure, while an event
triggered by giving notice does not. Such a column would not exist yet when we score.
"""
import argparse
import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

ID, TARGET = "customer_id", "churned"


def to_number(series):
    return pd.to_numeric(series.astype(str).str.extract(r"(\d+\.?\d*)")[0], errors="coerce")


def post_outcome_columns(frame):
    y = frame[TARGET]
    tenure = to_number(frame["tenure_months"])
    flagged = {}
    for column in frame.columns.drop([ID, TARGET]):
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().mean() < 0.9 or values.nunique() > 20:
            continue
        zero_if_stayed = (values[y == 0] == 0).mean()
        nonzero_if_left = (values[y == 1] > 0).mean()
        with_tenure = abs(values[y == 1].corr(tenure[y == 1]))
        if zero_if_stayed > 0.9 and nonzero_if_left > 0.75 and with_tenure < 0.1:
            flagged[column] = {"zero_if_stayed": round(zero_if_stayed, 3),
                               "nonzero_if_left": round(nonzero_if_left, 3),
                               "corr_with_tenure": round(with_tenure, 3)}
    return flagged


def design(frame, dropped, columns=None):
    X = frame.drop(columns=[c for c in [ID, TARGET, *dropped] if c in frame.columns]).copy()
    X["tenure_months"] = to_number(X["tenure_months"])
    X.loc[X["monthly_charges"] > 5000, "monthly_charges"] = np.nan
    for c in ["contract", "payment_method", "region"]:
        text = X[c].astype(str).str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
        X[c] = text.str[:4]  # "monthtomonth"/"month" -> "mont", "creditcard"/"card" differ, fine
    X = pd.get_dummies(X, columns=["contract", "payment_method", "region"], dtype=float)
    X = X.apply(pd.to_numeric, errors="coerce")
    if columns is not None:
        X = X.reindex(columns=columns, fill_value=0.0)
    return X


def fit(frame):
    dropped = sorted(post_outcome_columns(frame))
    X = design(frame, dropped)
    medians = X.median()
    scaler = StandardScaler().fit(X.fillna(medians))
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(X.fillna(medians)), frame[TARGET])
    return {"dropped": dropped, "columns": list(X.columns), "medians": medians,
            "scaler": scaler, "model": model}


def score(bundle, frame):
    X = design(frame, bundle["dropped"], bundle["columns"]).fillna(bundle["medians"])
    return bundle["model"].predict_proba(bundle["scaler"].transform(X))[:, 1]


def cv_auc(frame, k=10):
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=5)
    out = np.zeros(len(frame))
    for tr, te in folds.split(frame, frame[TARGET]):
        out[te] = score(fit(frame.iloc[tr]), frame.iloc[te])
    return roc_auc_score(frame[TARGET], out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["train", "predict"])
    ap.add_argument("--data")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--input")
    ap.add_argument("--output")
    a = ap.parse_args()
    out = Path(a.model_dir)
    if a.mode == "train":
        frame = pd.read_csv(Path(a.data) / "train.csv")
        frame = frame[frame[TARGET].isin([0, 1])].reset_index(drop=True)
        screen = post_outcome_columns(frame)
        print("post-outcome columns:", json.dumps(screen))
        print("10-fold CV AUC: %.3f" % cv_auc(frame))
        out.mkdir(parents=True, exist_ok=True)
        (out / "screen.json").write_text(json.dumps(screen, indent=2))
        with open(out / "bundle.pkl", "wb") as fh:
            pickle.dump(fit(frame), fh)
    else:
        with open(out / "bundle.pkl", "rb") as fh:
            bundle = pickle.load(fh)
        frame = pd.read_csv(a.input)
        p = score(bundle, frame)
        pd.DataFrame({ID: frame[ID], "prediction": (p >= 0.5).astype(int), "probability": p}).to_csv(a.output, index=False)


if __name__ == "__main__":
    main()
