# coding: utf-8
# Cell 3 of notebooks/resale.ipynb, exported for predict.py

import numpy as np
import pandas as pd


def clean(df):
    df = df.copy()
    df["price_usd"] = np.where(df.source == "dealer_feed", df.original_price / 100, df.original_price)
    df["age"] = pd.to_numeric(df.age_months.astype(str).str.extract(r"(\d+)")[0], errors="coerce")
    df["hours"] = df.hours_used.clip(upper=50000)
    cond = df.condition.fillna("").str.lower()
    df["cond"] = np.select(
        [cond.str.contains("open|new"), cond.str.contains("excellent"), cond.str.contains("good"),
         cond.str.contains("fair"), cond.str.contains("poor"), cond.str.contains("part")],
        [5, 4, 3, 2, 1, 0], default=3)
    tier = df.brand_tier.fillna("").str.lower()
    df["tier"] = np.select([tier.str.contains("prem"), tier.str.contains("mid|stand")], [2, 1], default=0)
    cat = df.category.str.lower().str.replace(r"[^a-z]", "", regex=True)
    for name, pat in {"kitchen": "kitchen", "tools": "tool", "av": "^av$|audio|^a/?v", "gym": "fitness|gym",
                      "lab": "lab", "med": "med"}.items():
        df["cat_" + name] = cat.str.contains(pat).astype(int)
    return df[["price_usd", "age", "hours", "cond", "tier", "seller_rating"]
              + [c for c in df.columns if c.startswith("cat_")]].fillna(-1)
