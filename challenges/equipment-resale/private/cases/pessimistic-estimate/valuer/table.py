"""Raw listing rows to the model's numeric table."""
import re

import numpy as np
import pandas as pd

from valuer.units import list_price_dollars

GRADES = [("parts", 0), ("poor", 1), ("fair", 2), ("good", 3), ("excellent", 4), ("like", 4),
          ("open", 5), ("new", 5)]
TIERS = [("prem", 2), ("mid", 1), ("stand", 1), ("val", 0), ("budg", 0)]
KINDS = {"kitchen": "kitchen", "power": "power", "tools": "power", "hand": "hand",
         "av": "av", "audio": "av", "a/v": "av", "fitness": "fitness", "gym": "fitness",
         "lab": "lab", "med": "medical"}


def _grade(text, table):
    text = str(text).lower()
    return next((v for k, v in table if k in text), np.nan)


def _kind(text):
    text = str(text).lower().strip()
    return next((v for k, v in KINDS.items() if text.startswith(k)), "other")


def build(frame: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(index=frame.index)
    table["log_list"] = np.log(list_price_dollars(frame).clip(lower=1))
    table["age"] = frame["age_months"].map(lambda v: float(m.group()) if (m := re.search(r"\d+", str(v))) else np.nan)
    table["hours"] = frame["hours_used"].where(frame["hours_used"] < 60000)
    table["rating"] = frame["seller_rating"]
    table["grade"] = frame["condition"].map(lambda v: _grade(v, GRADES))
    table["tier"] = frame["brand_tier"].map(lambda v: _grade(v, TIERS))
    kinds = frame["category"].map(_kind)
    for kind in sorted(set(KINDS.values())):
        table[kind] = (kinds == kind).astype(float)
    return table
