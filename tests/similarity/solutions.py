"""Small solutions of the customer-churn challenge, written independently of each other, as
{relative path: code} folders; and a disguised copy of the first one."""

from __future__ import annotations

import json
from pathlib import Path

Folder = dict[str, str]

LOGISTIC: Folder = {
    "churnmodel/__init__.py": "",
    "churnmodel/cleaning.py": '''\
"""Clean the raw CRM export."""
import re

import numpy as np
import pandas as pd

CONTRACTS = {"month to month": "monthly", "month-to-month": "monthly", "m2m": "monthly",
             "one year": "annual", "1 year": "annual", "two year": "biennial",
             "2 year": "biennial"}


def parse_tenure(value):
    """Months as a number; '12 months' and '12' are both fine."""
    if pd.isna(value):
        return np.nan
    match = re.search(r"\\d+", str(value))
    return float(match.group()) if match else np.nan


def clean_frame(raw):
    frame = raw.copy()
    frame["tenure_months"] = frame["tenure_months"].map(parse_tenure)
    charges = pd.to_numeric(frame["monthly_charges"], errors="coerce")
    frame["monthly_charges"] = charges.where(charges < 1000)
    frame["contract"] = frame["contract"].str.lower().str.strip().map(CONTRACTS)
    frame["payment_method"] = frame["payment_method"].str.lower().str.strip()
    frame["region"] = frame["region"].str.title()
    frame["support_tickets"] = frame["support_tickets"].fillna(0)
    return frame.drop(columns=["retention_calls"])
''',
    "churnmodel/train.py": '''\
"""Fit a logistic regression on the cleaned data and save it."""
import argparse
import pathlib
import pickle

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from churnmodel.cleaning import clean_frame

NUMBERS = ["tenure_months", "monthly_charges", "support_tickets", "senior"]
LABELS = ["contract", "payment_method", "region"]


def build_pipeline():
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    labels = make_pipeline(SimpleImputer(strategy="most_frequent"),
                           OneHotEncoder(handle_unknown="ignore"))
    prep = make_column_transformer((numbers, NUMBERS), (labels, LABELS))
    return make_pipeline(prep, LogisticRegression(C=0.5, max_iter=500))


def run(data_dir, out_dir):
    raw = pd.read_csv(pathlib.Path(data_dir) / "train.csv")
    raw = raw.drop_duplicates("customer_id")
    frame = clean_frame(raw)
    target = raw["churned"].astype(int)
    folds = GroupKFold(n_splits=5)
    auc = cross_val_score(build_pipeline(), frame, target, groups=raw["customer_id"],
                          cv=folds, scoring="roc_auc")
    print("roc auc per fold", auc.round(3), "mean", auc.mean())
    fitted = build_pipeline().fit(frame, target)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "model.pkl", "wb") as handle:
        pickle.dump(fitted, handle)


if __name__ == "__main__":
    cli = argparse.ArgumentParser()
    cli.add_argument("--data")
    cli.add_argument("--out")
    options = cli.parse_args()
    run(options.data, options.out)
''',
    "churnmodel/predict.py": """\
import argparse
import pathlib
import pickle

import pandas as pd

from churnmodel.cleaning import clean_frame


def main():
    cli = argparse.ArgumentParser()
    cli.add_argument("--model")
    cli.add_argument("--input")
    cli.add_argument("--output")
    options = cli.parse_args()
    with open(pathlib.Path(options.model) / "model.pkl", "rb") as handle:
        model = pickle.load(handle)
    rows = pd.read_csv(options.input)
    proba = model.predict_proba(clean_frame(rows))[:, 1]
    result = pd.DataFrame({"customer_id": rows["customer_id"], "probability": proba})
    result["prediction"] = (result["probability"] >= 0.5).astype(int)
    result.to_csv(options.output, index=False)


if __name__ == "__main__":
    main()
""",
}

FOREST: Folder = {
    "src/features.py": """\
from dataclasses import dataclass

import pandas as pd


@dataclass
class Cleaner:
    charge_cap: float = 500.0
    contract_words: tuple = ("month", "one", "two")

    def contract_bucket(self, text):
        text = str(text).lower()
        for position, word in enumerate(self.contract_words):
            if word in text or (word == "one" and "1" in text) or (word == "two" and "2" in text):
                return position
        return -1

    def transform(self, df):
        out = pd.DataFrame(index=df.index)
        out["tenure"] = pd.to_numeric(df.tenure_months.astype(str).str.extract("(\\\\d+)")[0],
                                      errors="coerce").fillna(-1)
        charges = pd.to_numeric(df.monthly_charges, errors="coerce")
        out["charges"] = charges.mask(charges > self.charge_cap).fillna(charges.median())
        out["tickets"] = df.support_tickets.fillna(0).clip(upper=20)
        out["senior"] = df.senior.fillna(0)
        out["contract"] = df.contract.map(self.contract_bucket)
        out["autopay"] = df.payment_method.astype(str).str.contains("auto|card", case=False)
        out["charge_per_month_of_tenure"] = out.charges / (out.tenure.clip(lower=0) + 1)
        for name in ["North", "South", "East", "West"]:
            out["region_" + name] = df.region.astype(str).str.lower().eq(name.lower())
        return out.astype(float)
""",
    "src/model.py": """\
import json
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from src.features import Cleaner


class ChurnForest:
    def __init__(self, trees=300, depth=8):
        self.cleaner = Cleaner()
        self.forest = RandomForestClassifier(n_estimators=trees, max_depth=depth,
                                             min_samples_leaf=5, n_jobs=1, random_state=0)

    def fit(self, df, y):
        self.forest.fit(self.cleaner.transform(df), y)
        return self

    def score_rows(self, df):
        return self.forest.predict_proba(self.cleaner.transform(df))[:, 1]


def evaluate(df, y, splits=4):
    aucs = []
    for train_idx, test_idx in StratifiedKFold(splits, shuffle=True, random_state=1).split(df, y):
        model = ChurnForest().fit(df.iloc[train_idx], y.iloc[train_idx])
        aucs.append(roc_auc_score(y.iloc[test_idx], model.score_rows(df.iloc[test_idx])))
    return float(np.mean(aucs)), float(np.std(aucs))


def train(data, artifacts):
    df = pd.read_csv(Path(data, "train.csv"))
    y = df.pop("churned")
    mean, spread = evaluate(df, y)
    Path(artifacts).mkdir(exist_ok=True)
    joblib.dump(ChurnForest().fit(df, y), Path(artifacts, "forest.joblib"))
    Path(artifacts, "cv.json").write_text(json.dumps({"auc": mean, "sd": spread}))


def predict(artifacts, features, output):
    model = joblib.load(Path(artifacts, "forest.joblib"))
    df = pd.read_csv(features)
    p = model.score_rows(df)
    pd.DataFrame({"customer_id": df.customer_id, "prediction": (p > 0.4).astype(int),
                  "probability": p}).to_csv(output, index=False)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"train": train, "predict": predict}[command](*rest)
""",
}

BOOSTING: Folder = {
    "pipeline.py": '''\
"""Churn: gradient boosting with a time-aware holdout."""
from __future__ import annotations

import argparse
import logging
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score

log = logging.getLogger("churn")
CATS = ("contract", "payment_method", "region")


def normalise_text(series: pd.Series) -> pd.Series:
    return (series.fillna("missing").astype(str).str.lower()
            .str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip())


def prepare(df: pd.DataFrame, categories: dict[str, list[str]] | None = None):
    X = df.drop(columns=[c for c in ("churned", "customer_id", "retention_calls") if c in df])
    X["tenure_months"] = pd.to_numeric(X["tenure_months"], errors="coerce")
    X["monthly_charges"] = pd.to_numeric(X["monthly_charges"], errors="coerce")
    X.loc[X["monthly_charges"].gt(2000), "monthly_charges"] = np.nan
    if categories is None:
        categories = {c: sorted(normalise_text(X[c]).unique()) for c in CATS}
    for c in CATS:
        X[c] = pd.Categorical(normalise_text(X[c]), categories=categories[c]).codes
    return X, categories


def holdout_split(df: pd.DataFrame, frac: float = 0.2):
    order = df["tenure_months"].rank(method="first")
    cut = order.quantile(1 - frac)
    return df[order <= cut], df[order > cut]


def fit(df: pd.DataFrame) -> dict:
    X, categories = prepare(df)
    model = HistGradientBoostingClassifier(
        categorical_features=[X.columns.get_loc(c) for c in CATS],
        max_depth=4, learning_rate=0.08, max_iter=250, l2_regularization=1.0)
    model.fit(X, df["churned"])
    return {"model": model, "categories": categories}


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="step", required=True)
    t = sub.add_parser("train")
    t.add_argument("data")
    t.add_argument("artifacts")
    p = sub.add_parser("predict")
    p.add_argument("artifacts")
    p.add_argument("features")
    p.add_argument("output")
    args = parser.parse_args()
    if args.step == "train":
        df = pd.read_csv(os.path.join(args.data, "train.csv"))
        early, late = holdout_split(df)
        bundle = fit(early)
        X_late, _ = prepare(late, bundle["categories"])
        scores = bundle["model"].predict_proba(X_late)[:, 1]
        log.info("holdout auc %.3f ap %.3f", roc_auc_score(late["churned"], scores),
                 average_precision_score(late["churned"], scores))
        os.makedirs(args.artifacts, exist_ok=True)
        joblib.dump(fit(df), os.path.join(args.artifacts, "bundle.joblib"))
    else:
        bundle = joblib.load(os.path.join(args.artifacts, "bundle.joblib"))
        rows = pd.read_csv(args.features)
        X, _ = prepare(rows, bundle["categories"])
        prob = bundle["model"].predict_proba(X)[:, 1]
        out = rows[["customer_id"]].assign(probability=prob, prediction=(prob >= 0.5) * 1)
        out.to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
''',
}


def _notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "execution_count": None,
                    "outputs": [],
                    "source": cell,
                }
                for cell in cells
            ],
        }
    )


NOTEBOOK: Folder = {
    "analysis.ipynb": _notebook(
        [
            """\
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.tree import DecisionTreeClassifier, export_text
from sklearn.model_selection import train_test_split
%matplotlib inline""",
            "raw = pd.read_csv('data/train.csv')\nraw.describe(include='all')",
            "raw.isna().mean().sort_values(ascending=False).plot.bar()\nplt.title('share missing')",
            """\
def tidy(d):
    d = d.copy()
    d['tenure_months'] = pd.to_numeric(d.tenure_months, errors='coerce').fillna(24)
    d['monthly_charges'] = pd.to_numeric(d.monthly_charges, errors='coerce').clip(0, 300)
    d['is_monthly'] = d.contract.astype(str).str.contains('month', case=False)
    d['tickets'] = d.support_tickets.fillna(d.support_tickets.mean())
    return d[['tenure_months', 'monthly_charges', 'is_monthly', 'tickets', 'senior']]""",
            """\
features = tidy(raw)
label = raw['churned']
X_tr, X_te, y_tr, y_te = train_test_split(
    features, label, test_size=0.25, stratify=label, random_state=7)""",
            """\
for depth in [2, 3, 4, 5, 6]:
    tree = DecisionTreeClassifier(max_depth=depth, class_weight='balanced').fit(X_tr, y_tr)
    print(depth, tree.score(X_te, y_te))""",
            """\
best = DecisionTreeClassifier(max_depth=4, class_weight='balanced').fit(features, label)
print(export_text(best, feature_names=list(features.columns)))""",
        ]
    ),
    "score.py": """\
import pickle
import sys

import pandas as pd

model_dir, source, target = sys.argv[1:4]
tree = pickle.load(open(model_dir + "/tree.pkl", "rb"))
rows = pd.read_csv(source)
cols = ["tenure_months", "monthly_charges", "is_monthly", "tickets", "senior"]
rows["is_monthly"] = rows.contract.astype(str).str.contains("month", case=False)
rows["tickets"] = rows.support_tickets.fillna(1)
probabilities = tree.predict_proba(rows[cols].fillna(0))[:, 1]
pd.DataFrame({"customer_id": rows.customer_id, "probability": probabilities,
              "prediction": (probabilities > 0.5).astype(int)}).to_csv(target, index=False)
""",
}

INDEPENDENT: dict[str, Folder] = {
    "logistic": LOGISTIC,
    "forest": FOREST,
    "boosting": BOOSTING,
    "notebook": NOTEBOOK,
}

# LOGISTIC, disguised: identifiers renamed, comments and docstrings rewritten, functions and
# files reordered and merged, and a few lines inserted.
DISGUISED: Folder = {
    "model/__init__.py": '"""My churn model."""\n',
    "model/prep.py": """\
# Data preparation for the churn model (written by me)
import re

import numpy as np
import pandas as pd

CONTRACT_NAMES = {"month to month": "monthly", "month-to-month": "monthly", "m2m": "monthly",
                  "one year": "annual", "1 year": "annual", "two year": "biennial",
                  "2 year": "biennial"}


def prepare(data):
    # tidy every column we use
    df = data.copy()
    df["tenure_months"] = df["tenure_months"].map(months_of)
    fees = pd.to_numeric(df["monthly_charges"], errors="coerce")
    df["monthly_charges"] = fees.where(fees < 1000)
    df["contract"] = df["contract"].str.lower().str.strip().map(CONTRACT_NAMES)
    df["payment_method"] = df["payment_method"].str.lower().str.strip()
    df["region"] = df["region"].str.title()
    df["support_tickets"] = df["support_tickets"].fillna(0)
    print("prepared", len(df), "rows")
    return df.drop(columns=["retention_calls"])


def months_of(cell):
    # the tenure column mixes numbers and text
    if pd.isna(cell):
        return np.nan
    found = re.search(r"\\d+", str(cell))
    return float(found.group()) if found else np.nan
""",
    "model/fit.py": """\
import argparse
import pathlib
import pickle

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from model.prep import prepare

NUMERIC_COLUMNS = ["tenure_months", "monthly_charges", "support_tickets", "senior"]
CATEGORY_COLUMNS = ["contract", "payment_method", "region"]


def fit_and_save(folder, destination):
    # read, clean, validate, then fit on everything
    table = pd.read_csv(pathlib.Path(folder) / "train.csv")
    table = table.drop_duplicates("customer_id")
    X = prepare(table)
    y = table["churned"].astype(int)
    splitter = GroupKFold(n_splits=5)
    scores = cross_val_score(make_model(), X, y, groups=table["customer_id"],
                             cv=splitter, scoring="roc_auc")
    print("roc auc per fold", scores.round(3), "mean", scores.mean())
    assert len(scores) == 5
    model = make_model().fit(X, y)
    target = pathlib.Path(destination)
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "model.pkl", "wb") as stream:
        pickle.dump(model, stream)


def make_model():
    num = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    cat = make_pipeline(SimpleImputer(strategy="most_frequent"),
                        OneHotEncoder(handle_unknown="ignore"))
    columns = make_column_transformer((num, NUMERIC_COLUMNS), (cat, CATEGORY_COLUMNS))
    return make_pipeline(columns, LogisticRegression(C=0.5, max_iter=500))


def predict_file(model_folder, source, destination):
    with open(pathlib.Path(model_folder) / "model.pkl", "rb") as stream:
        model = pickle.load(stream)
    table = pd.read_csv(source)
    scores = model.predict_proba(prepare(table))[:, 1]
    frame = pd.DataFrame({"customer_id": table["customer_id"], "probability": scores})
    frame["prediction"] = (frame["probability"] >= 0.5).astype(int)
    frame.to_csv(destination, index=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--out")
    args = parser.parse_args()
    fit_and_save(args.data, args.out)
""",
}


def write_folder(root: Path, files: Folder) -> Path:
    """Write `files` under `root`; return `root`."""
    for name, code in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    return root
