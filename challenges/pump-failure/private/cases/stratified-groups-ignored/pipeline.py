"""Training and scoring for the pump failure model."""
import json
import sys

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

FEATURES = ["install_year", "rated_flow_m3h", "motor_kw", "runtime_hours", "days_since_service",
            "vibration_mm_s", "bearing_temp_c", "discharge_pressure_bar"]


def features(df):
    X = df.reindex(columns=FEATURES).copy()
    X["runtime_hours"] = pd.to_numeric(X["runtime_hours"].astype(str).str.replace(",", ""), errors="coerce")
    X = X.apply(pd.to_numeric, errors="coerce")
    return X.fillna(X.median())


def grouped_cv_auc(X, y, groups, folds=5):
    """Cross-validated AUC with the folds grouped by pump."""
    aucs = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_idx, test_idx in splitter.split(X, y, groups=groups):
        model = make_model().fit(X.iloc[train_idx], y.iloc[train_idx])
        aucs.append(roc_auc_score(y.iloc[test_idx], model.predict_proba(X.iloc[test_idx])[:, 1]))
    return float(np.mean(aucs))


def make_model():
    return ExtraTreesClassifier(n_estimators=400, min_samples_leaf=2, random_state=0)


def train(data_dir, out_dir):
    df = pd.read_csv(f"{data_dir}/train.csv")
    X, y = features(df), df["failed_30d"]
    auc = grouped_cv_auc(X, y, groups=df["pump_id"])
    print(f"grouped CV AUC {auc:.3f}")
    joblib.dump(make_model().fit(X, y), f"{out_dir}/model.joblib")
    with open(f"{out_dir}/metrics.json", "w") as fh:
        json.dump({"cv_auc": auc}, fh)


def predict(model_dir, input_csv, output_csv):
    model = joblib.load(f"{model_dir}/model.joblib")
    df = pd.read_csv(input_csv)
    p = model.predict_proba(features(df))[:, 1]
    pd.DataFrame({"reading_id": df["reading_id"], "prediction": (p >= 0.5).astype(int),
                  "probability": p}).to_csv(output_csv, index=False)


if __name__ == "__main__":
    action, *rest = sys.argv[1:]
    train(*rest) if action == "train" else predict(*rest)
