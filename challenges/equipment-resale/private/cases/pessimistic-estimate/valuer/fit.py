"""python -m valuer.fit --train CSV --into DIR"""
import argparse
import logging
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold

from valuer.table import build
from valuer.units import list_price_dollars


def regressor():
    return HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, min_samples_leaf=10, random_state=1)


def usable(frame):
    price = pd.to_numeric(frame["resale_price"], errors="coerce")
    keep = price.between(10, 3 * list_price_dollars(frame))
    return frame[keep].reset_index(drop=True)


def main():
    logging.basicConfig(level=logging.INFO)
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--into", required=True)
    args = ap.parse_args()
    frame = usable(pd.read_csv(args.train))
    X, y = build(frame), np.log(frame["resale_price"])
    fold_mae = []
    for tr, te in KFold(5, shuffle=True, random_state=2).split(X):
        model = regressor().fit(X.iloc[tr], y.iloc[tr])
        fold_mae.append(float(np.abs(np.exp(model.predict(X.iloc[te])) - frame["resale_price"].iloc[te]).mean()))
    logging.info("fold MAE: %s (worst %.0f)", [round(m) for m in fold_mae], max(fold_mae))
    Path(args.into).mkdir(parents=True, exist_ok=True)
    with open(Path(args.into) / "valuer.pkl", "wb") as fh:
        pickle.dump(regressor().fit(X, y), fh)


if __name__ == "__main__":
    main()
