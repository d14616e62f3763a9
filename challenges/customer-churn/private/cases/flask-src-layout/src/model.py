"""The pipeline, its training and its scores."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from src.features import CATEGORICAL, NUMERIC, clean

ARTIFACT = "pipeline.joblib"


def build() -> object:
    columns = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="unknown"),
                              OneHotEncoder(handle_unknown="ignore")), CATEGORICAL),
    ])
    return make_pipeline(columns, LogisticRegression(max_iter=1000, C=0.5))


def train(data_dir: Path, out_dir: Path) -> float:
    frame = pd.read_csv(data_dir / "train.csv")
    frame = frame[frame["churned"].isin([0, 1])]
    X, y = clean(frame), frame["churned"].astype(int)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    auc = float(np.mean(cross_val_score(build(), X, y, cv=folds, scoring="roc_auc")))
    pipeline = build().fit(X, y)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, out_dir / ARTIFACT)
    (out_dir / "card.json").write_text(json.dumps({"cv_roc_auc": round(auc, 4)}))
    return auc


def load(out_dir: Path) -> object:
    return joblib.load(out_dir / ARTIFACT)


def score(pipeline: object, frame: pd.DataFrame) -> pd.DataFrame:
    proba = pipeline.predict_proba(clean(frame))[:, 1]
    return pd.DataFrame({
        "customer_id": frame["customer_id"].to_numpy(),
        "prediction": (proba >= 0.5).astype(int),
        "probability": proba.round(5),
    })
