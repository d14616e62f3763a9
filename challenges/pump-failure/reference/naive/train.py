"""Train the pump failure model.

    python train.py --data DATA_DIR --out MODEL_DIR
"""

import argparse
import json
from pathlib import Path

import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from cleaning import CATEGORICAL, FEATURES, NUMERIC, TARGET, clean

SEED = 42


def make_model(kind: str) -> Pipeline:
    if kind == "logreg":
        numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        clf = LogisticRegression(max_iter=2000)
    else:
        numeric = SimpleImputer(strategy="median")
        clf = RandomForestClassifier(n_estimators=300, n_jobs=-1, random_state=SEED)
    pre = ColumnTransformer(
        [
            ("num", numeric, NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    return Pipeline([("pre", pre), ("clf", clf)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    df = pd.read_csv(Path(args.data) / "train.csv")
    df = df[df[TARGET].isin([0, 1])]
    X = clean(df)[FEATURES]
    y = df[TARGET].astype(int)
    print(f"{len(df)} rows, failure rate {y.mean():.1%}")

    # 5-fold stratified CV to compare models and estimate the score on new data
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    scores = {}
    for kind in ["logreg", "forest"]:
        auc = cross_val_score(make_model(kind), X, y, cv=cv, scoring="roc_auc")
        scores[kind] = float(auc.mean())
        print(f"{kind}: ROC AUC {auc.mean():.3f} +/- {auc.std():.3f}")
    best = max(scores, key=scores.get)
    print(f"best model: {best} (CV ROC AUC {scores[best]:.3f})")

    model = make_model(best).fit(X, y)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out / "model.joblib")
    (out / "metrics.json").write_text(json.dumps({"model": best, "cv_roc_auc": scores}, indent=2))


if __name__ == "__main__":
    main()
