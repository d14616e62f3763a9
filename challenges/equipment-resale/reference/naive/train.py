"""Train the resale price model.

python train.py --data DATA_DIR --out MODEL_DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

from cleaning import CATEGORICAL, NUMERIC, clean


def load(data_dir: Path) -> tuple[pd.DataFrame, pd.Series]:
    df = pd.read_csv(data_dir / "train.csv")
    y = pd.to_numeric(df["resale_price"], errors="coerce")
    price = pd.to_numeric(df["original_price"], errors="coerce")
    # Drop rows without a usable label: missing, the $1 placeholder sales, and the few
    # listings that "sold" for more than their original price (typos).
    ok = y.notna() & (y > 1) & ~(y > price)
    print(f"dropping {int((~ok).sum())} of {len(df)} rows with a bad resale_price")
    return clean(df[ok]), y[ok]


def make_model() -> Pipeline:
    encode = ColumnTransformer(
        [
            (
                "cat",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                CATEGORICAL,
            ),
            ("num", "passthrough", NUMERIC),
        ]
    )
    gbm = HistGradientBoostingRegressor(
        categorical_features=[0, 1, 2, 3], max_iter=300, learning_rate=0.05, random_state=42
    )
    return Pipeline([("encode", encode), ("gbm", gbm)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    X, y = load(args.data)
    # Prices are skewed, so the model is fitted on log(1 + price).
    log_y = np.log1p(y)

    cv = KFold(n_splits=5, shuffle=True, random_state=42)
    oof = np.expm1(cross_val_predict(make_model(), X, log_y, cv=cv))
    mae, r2 = mean_absolute_error(y, oof), r2_score(y, oof)
    print(f"5-fold CV: MAE = {mae:.2f}, R2 = {r2:.3f}")

    model = make_model().fit(X, log_y)
    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out / "model.joblib")
    (args.out / "metrics.json").write_text(json.dumps({"cv_mae": mae, "cv_r2": r2}, indent=2))
    print(f"model saved to {args.out}")


if __name__ == "__main__":
    main()
