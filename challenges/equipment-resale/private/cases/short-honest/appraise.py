"""appraise.py train DATA ARTIFACTS | appraise.py predict ARTIFACTS INPUT OUTPUT"""
import pickle
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import cross_val_predict

CONDITION_WORDS = ["parts", "poor", "fair", "good", "excellent", "like", "open"]


def prepare(df):
    out = pd.DataFrame(index=df.index)
    dollars = df.original_price.where(df.source != "dealer_feed", df.original_price / 100)
    out["list_usd"] = dollars
    out["age"] = pd.to_numeric(df.age_months.astype(str).str.split().str[0], errors="coerce")
    out["hours"] = df.hours_used.clip(upper=50000)
    out["rating"] = df.seller_rating
    cond = df.condition.astype(str).str.lower()
    out["condition"] = np.nan
    for rank, word in enumerate(CONDITION_WORDS):
        out.loc[cond.str.contains(word), "condition"] = rank
    tier = df.brand_tier.astype(str).str.lower()
    out["premium"] = tier.str.startswith("prem").astype(int)
    out["value"] = tier.str.contains("value|budget").astype(int)
    cat = df.category.astype(str).str.lower()
    for key in ["kitchen", "tool", "hand", "lab", "med", "fit|gym", "a/?v|audio"]:
        out["cat_" + key.split("|")[0].replace("/?", "")] = cat.str.contains(key).astype(int)
    return out.fillna(-1)


def train(data_dir, art_dir):
    df = pd.read_csv(f"{data_dir}/train.csv").dropna(subset=["resale_price"])
    X = prepare(df)
    df, X = df[(df.resale_price >= 10) & (df.resale_price <= 3 * X.list_usd)], X[(df.resale_price >= 10) & (df.resale_price <= 3 * X.list_usd)]
    y = np.log(df.resale_price / X.list_usd)
    model = GradientBoostingRegressor(loss="absolute_error", n_estimators=400, max_depth=3, learning_rate=0.05, random_state=0)
    oof = np.exp(cross_val_predict(model, X, y, cv=5)) * X.list_usd
    print("cv MAE", round(mean_absolute_error(df.resale_price, oof), 1))
    model.fit(X, y)
    print("train MAE", round(mean_absolute_error(df.resale_price, np.exp(model.predict(X)) * X.list_usd), 1))
    pickle.dump(model, open(f"{art_dir}/gbr.pkl", "wb"))


def predict(art_dir, input_csv, output_csv):
    model = pickle.load(open(f"{art_dir}/gbr.pkl", "rb"))
    df = pd.read_csv(input_csv)
    X = prepare(df)
    pd.DataFrame({"listing_id": df.listing_id, "prediction": np.exp(model.predict(X)) * X.list_usd}).to_csv(output_csv, index=False)


if __name__ == "__main__":
    {"train": train, "predict": predict}[sys.argv[1]](*sys.argv[2:])
