"""Cleaning for the listings export: one place, used by train.py and predict.py."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

CATEGORICAL = ["source", "category", "brand_tier", "condition"]
NUMERIC = ["age_months", "hours_used", "original_price", "seller_rating"]
FEATURES = CATEGORICAL + NUMERIC

# Spellings found in train.csv, lower-cased.
CATEGORY_MAP = {
    "hand tools": "hand tools",
    "hand_tools": "hand tools",
    "power tools": "power tools",
    "power_tools": "power tools",
    "tools": "power tools",
    "commercial kitchen": "kitchen",
    "kitchen": "kitchen",
    "medical": "medical",
    "medical equipment": "medical",
    "med": "medical",
    "audio/video": "av",
    "audio video": "av",
    "audio-visual": "av",
    "av": "av",
    "a/v": "av",
    "fitness": "fitness",
    "gym": "fitness",
    "gym equipment": "fitness",
    "lab": "lab",
    "lab equipment": "lab",
    "laboratory": "lab",
}
CONDITION_MAP = {
    "open box": "open box",
    "new (open box)": "open box",
    "like new": "like new",
    "like-new": "like new",
    "excellent": "like new",
    "good": "good",
    "used - good": "good",
    "fair": "fair",
    "used - fair": "fair",
    "for parts": "for parts",
    "parts only": "for parts",
    "poor": "for parts",
}
TIER_MAP = {
    "premium": "premium",
    "mid": "mid",
    "mid range": "mid",
    "mid-range": "mid",
    "standard": "mid",
    "value": "value",
    "budget": "value",
}


def _lower(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def parse_age(value: object) -> float:
    """18, "18 mo", "18 months", "2 yrs" -> months; "n/a", "unknown", "" -> NaN."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = _lower(value)
    if text is None:
        return np.nan
    match = re.match(r"^(\d+(?:\.\d+)?)\s*([a-z]*)$", text)
    if not match:
        return np.nan
    number = float(match.group(1))
    return number * 12 if match.group(2).startswith("y") else number


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """Model-ready features: tidy categories, numbers as numbers."""
    out = pd.DataFrame(index=df.index)
    out["source"] = df["source"].map(_lower)
    out["category"] = df["category"].map(_lower).map(lambda v: CATEGORY_MAP.get(v, v))
    out["brand_tier"] = df["brand_tier"].map(_lower).map(lambda v: TIER_MAP.get(v, v))
    out["condition"] = df["condition"].map(_lower).map(lambda v: CONDITION_MAP.get(v, v))
    out["age_months"] = df["age_months"].map(parse_age)
    hours = pd.to_numeric(df["hours_used"], errors="coerce")
    out["hours_used"] = hours.where(hours < 99999)  # 99999 is the meter's "no reading" value
    out["original_price"] = pd.to_numeric(df["original_price"], errors="coerce")
    out["seller_rating"] = pd.to_numeric(df["seller_rating"], errors="coerce")
    for col in CATEGORICAL:
        out[col] = out[col].fillna("missing")
    return out
