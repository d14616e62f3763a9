#!/usr/bin/env python
# coding: utf-8

# # Resale price model (exported from notebooks/resale.ipynb)

# In[1]:


import sys
import pickle
import pandas as pd
import numpy as np
from sklearn.ensemble import RandomForestRegressor


# In[2]:


data_dir, out_dir = sys.argv[1], sys.argv[2]
df = pd.read_csv(data_dir + "/train.csv")
df = df[df.resale_price.notna() & (df.resale_price >= 10)]


# ## Units: the dealer feed sends original_price in cents
# 
# resale / original is ~0.2 for marketplace and auction but ~0.002 for dealer_feed.

# In[3]:


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


# In[4]:


df = df[df.resale_price <= 3 * clean(df).price_usd]
X = clean(df)
# predict the share of the list price that a listing sells for
y = np.log(df.resale_price / X.price_usd)
rf = RandomForestRegressor(n_estimators=300, min_samples_leaf=3, random_state=0, n_jobs=1).fit(X, y)


# In[5]:


pickle.dump(rf, open(out_dir + "/rf.pkl", "wb"))
