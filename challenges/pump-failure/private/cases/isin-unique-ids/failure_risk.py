#!/usr/bin/env python3
"""Pump failure risk, one file.

  python failure_risk.py --train DATA_DIR --out ARTIFACTS
  python failure_risk.py --model ARTIFACTS --score INPUT --out OUTPUT
"""
import argparse
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer

NUM = ["install_year", "rated_flow_m3h", "motor_kw", "days_since_service", "vibration_mm_s",
       "bearing_temp_c", "discharge_pressure_bar"]


def table(df):
    t = df[NUM].apply(pd.to_numeric, errors="coerce")
    t["runtime_hours"] = pd.to_numeric(df["runtime_hours"].astype(str).str.replace(",", ""), errors="coerce")
    return t


def _rotate(assets, n_rounds=5, seed=11):
    """Deal the distinct assets into n_rounds disjoint sets."""
    distinct = np.array(sorted(set(assets)))
    np.random.default_rng(seed).shuffle(distinct)
    return np.array_split(distinct, n_rounds)


def estimate(df):
    X, y = table(df), df["failed_30d"].to_numpy()
    oof = np.zeros(len(df))
    for held in _rotate(df["pump_id"]):
        later = np.isin(df["pump_id"], held)
        m = build().fit(X[~later], y[~later])
        oof[later] = m.predict_proba(X[later])[:, 1]
    return roc_auc_score(y, oof)


def build():
    return make_pipeline(SimpleImputer(strategy="median"),
                         RandomForestClassifier(n_estimators=300, min_samples_leaf=15, max_features=0.5, random_state=4))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--train")
    ap.add_argument("--model")
    ap.add_argument("--score")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.train:
        df = pd.read_csv(Path(a.train) / "train.csv")
        print("AUC with every pump held out once:", round(estimate(df), 3))
        Path(a.out).mkdir(parents=True, exist_ok=True)
        pickle.dump(build().fit(table(df), df["failed_30d"]), open(Path(a.out) / "lr.pkl", "wb"))
    else:
        m = pickle.load(open(Path(a.model) / "lr.pkl", "rb"))
        df = pd.read_csv(a.score)
        p = m.predict_proba(table(df))[:, 1]
        pd.DataFrame({"reading_id": df["reading_id"], "prediction": (p >= 0.5).astype(int), "probability": p}).to_csv(a.out, index=False)
