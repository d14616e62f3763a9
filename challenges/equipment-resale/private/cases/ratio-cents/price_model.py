"""Resale price model in one file.

Unit check: within a channel, resale price over original price should sit in the same range
as in the other channels (used gear sells for a fraction of list). A channel whose median
ratio is off by a clean power of ten is recorded in another unit; its original prices are
rescaled by that power of ten before anything else reads them. The factors are estimated on
the training data, saved with the model and applied at scoring time.
"""
import argparse
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold

CONDITION = {"new": 5, "open": 5, "like": 4, "excellent": 4, "good": 3, "used - good": 3,
             "fair": 2, "used - fair": 2, "poor": 1, "parts": 0, "for parts": 0}
TIER = {"premium": 2, "mid": 1, "standard": 1, "value": 0, "budget": 0}
CATEGORY = {"kitchen": "kitchen", "commercial": "kitchen", "tools": "power", "power": "power",
            "hand": "hand", "av": "av", "a/v": "av", "audio": "av", "fitness": "fitness",
            "gym": "fitness", "lab": "lab", "laboratory": "lab", "med": "medical",
            "medical": "medical"}


def unit_factors(frame):
    """Per source: the power of ten that brings its price ratio in line with the rest."""
    ratio = (frame["resale_price"] / frame["original_price"]).groupby(frame["source"]).median()
    typical = ratio.median()
    factors = {}
    for source, r in ratio.items():
        power = round(math.log10(typical / r)) if r > 0 else 0
        factors[source] = 10.0 ** -power if abs(power) >= 1 else 1.0
    return factors


def first_word(value, table):
    text = str(value).strip().lower().replace("_", " ").replace("-", " ")
    for key in sorted(table, key=len, reverse=True):
        if text.startswith(key.replace("-", " ")):
            return table[key]
    return None


def features(frame, factors):
    X = pd.DataFrame(index=frame.index)
    scale = frame["source"].map(factors).fillna(1.0)
    X["log_list"] = np.log1p(frame["original_price"] * scale)
    X["age"] = pd.to_numeric(frame["age_months"].astype(str).str.extract(r"(\d+)")[0], errors="coerce")
    X["hours"] = frame["hours_used"]
    X["rating"] = frame["seller_rating"]
    X["condition"] = frame["condition"].map(lambda v: first_word(v, CONDITION))
    X["tier"] = frame["brand_tier"].map(lambda v: first_word(v, TIER))
    cat = frame["category"].map(lambda v: first_word(v, CATEGORY)).fillna("other")
    for name in sorted(set(CATEGORY.values())):
        X["cat_" + name] = (cat == name).astype(float)
    for name in ["marketplace", "auction", "dealer_feed"]:
        X["src_" + name] = (frame["source"] == name).astype(float)
    return X.astype(float)


def fit(frame):
    factors = unit_factors(frame)
    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=400, learning_rate=0.05,
                                          random_state=3)
    model.fit(features(frame, factors), np.log1p(frame["resale_price"]))
    return {"factors": factors, "model": model}


def predict(saved, frame):
    return np.expm1(saved["model"].predict(features(frame, saved["factors"])))


def cross_validate(frame):
    errors = []
    for tr, te in KFold(5, shuffle=True, random_state=0).split(frame):
        saved = fit(frame.iloc[tr])
        errors.append(np.abs(predict(saved, frame.iloc[te]) - frame["resale_price"].iloc[te]).mean())
    return float(np.mean(errors))


ap = argparse.ArgumentParser()
ap.add_argument("--fit")
ap.add_argument("--save")
ap.add_argument("--load")
ap.add_argument("--score")
ap.add_argument("--write")
args = ap.parse_args()
if args.fit:
    data = pd.read_csv(args.fit).dropna(subset=["resale_price"])
    # labels we cannot trust: token sales ($1, $5) and sales far above the list price in dollars
    listed = data["original_price"] * data["source"].map(unit_factors(data))
    data = data[(data["resale_price"] >= 10) & (data["resale_price"] <= 3 * listed)].reset_index(drop=True)
    print("unit factors:", json.dumps(unit_factors(data)))
    print("5-fold MAE: %.2f" % cross_validate(data))
    Path(args.save).mkdir(parents=True, exist_ok=True)
    with open(Path(args.save) / "model.pkl", "wb") as fh:
        pickle.dump(fit(data), fh)
else:
    with open(Path(args.load) / "model.pkl", "rb") as fh:
        saved = pickle.load(fh)
    rows = pd.read_csv(args.score)
    pd.DataFrame({"listing_id": rows["listing_id"], "prediction": predict(saved, rows).round(2)}).to_csv(args.write, index=False)
