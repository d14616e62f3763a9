"""Input cleaning shared by training, batch prediction and the HTTP service.

The one thing here that is not ordinary tidying is the unit of `original_price`. The
`dealer_feed` source sends it in cents while `marketplace` and `auction` send dollars; the
column does not say so. In train.csv the median of resale_price / original_price is about
0.2 for marketplace and auction listings and about 0.002 for dealer_feed ones, and dealer
prices are whole numbers a hundred times the usual list prices (34999 for a $349.99 item).
Every price is converted to dollars here, before any model sees it, so that the same item
gets the same features whichever channel listed it.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

ID_COLUMN = "listing_id"
TARGET_COLUMN = "resale_price"
RAW_COLUMNS: list[str] = [
    "source",
    "category",
    "brand_tier",
    "condition",
    "age_months",
    "hours_used",
    "original_price",
    "seller_rating",
]

CATEGORICAL_FEATURES: list[str] = ["source", "category", "brand_tier", "condition"]
NUMERIC_FEATURES: list[str] = ["age_months", "hours_used", "log_price", "seller_rating"]
FEATURES: list[str] = CATEGORICAL_FEATURES + NUMERIC_FEATURES

# How many units of `original_price` make one dollar, per source. A source missing from this
# table has an unknown unit: its price is treated as missing rather than guessed, and the
# model falls back on the other features (see price_in_dollars).
PRICE_UNITS_PER_DOLLAR: dict[str, float] = {
    "marketplace": 1.0,
    "auction": 1.0,
    "dealer_feed": 100.0,  # cents
}

# Hour meters that read this high are meter faults (the export has 99999), not usage.
MAX_PLAUSIBLE_HOURS = 50_000.0

_CATEGORY_ALIASES: dict[str, str] = {
    "power tools": "power tools",
    "tools": "power tools",
    "commercial kitchen": "commercial kitchen",
    "kitchen": "commercial kitchen",
    "medical": "medical",
    "medical equipment": "medical",
    "med": "medical",
    "audio/video": "audio/video",
    "audio video": "audio/video",
    "audio-visual": "audio/video",
    "av": "audio/video",
    "a/v": "audio/video",
    "fitness": "fitness",
    "gym": "fitness",
    "gym equipment": "fitness",
    "lab": "lab",
    "lab equipment": "lab",
    "laboratory": "lab",
}
_CONDITION_ALIASES: dict[str, str] = {
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
_TIER_ALIASES: dict[str, str] = {
    "premium": "premium",
    "mid": "mid",
    "mid range": "mid",
    "mid-range": "mid",
    "standard": "mid",
    "value": "value",
    "budget": "value",
}
_SOURCE_ALIASES: dict[str, str] = {
    "marketplace": "marketplace",
    "auction": "auction",
    "dealer_feed": "dealer_feed",
    "dealer feed": "dealer_feed",
}
_AGE_PATTERN = re.compile(r"^(\d+(?:\.\d+)?)\s*(mo|mos|month|months|yr|yrs|year|years)?$")


def normalise_text(value: object) -> str | float:
    """Lower-case, trim and collapse whitespace and underscores; blanks become NaN."""
    if not isinstance(value, str):
        return np.nan
    text = re.sub(r"[\s_]+", " ", value).strip().lower()
    return text or np.nan


def _canonical(value: object, aliases: dict[str, str]) -> str | float:
    """Map a raw spelling onto its canonical label; unknown spellings are kept, normalised."""
    text = normalise_text(value)
    if not isinstance(text, str):
        return np.nan
    return aliases.get(text, text)


def normalise_source(value: object) -> str | float:
    """`Dealer Feed`, `dealer_feed` and `dealer feed` are one source."""
    return _canonical(value, _SOURCE_ALIASES)


def parse_age(value: object) -> float:
    """Age in months from 18, 18.0, "18 mo", "18 months" or "2 yrs"; anything else is NaN."""
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else math.nan
    text = normalise_text(value)
    if not isinstance(text, str):
        return math.nan
    match = _AGE_PATTERN.match(text)
    if match is None:
        return math.nan
    number, unit = float(match.group(1)), match.group(2) or "mo"
    return number * 12.0 if unit.startswith(("y",)) else number


def price_in_dollars(price: pd.Series, source: pd.Series) -> pd.Series:
    """`original_price` in dollars: divided by the units-per-dollar of its (normalised) source.

    Rows whose source is missing or not in PRICE_UNITS_PER_DOLLAR get NaN: a price in an
    unknown unit is worse than no price, since it could be off by a factor of a hundred.
    """
    numbers = pd.to_numeric(price, errors="coerce").astype("float64")
    units = source.map(PRICE_UNITS_PER_DOLLAR).astype("float64")
    dollars = numbers / units
    return dollars.where(dollars > 0)


def missing_columns(df: pd.DataFrame, required: list[str]) -> list[str]:
    """The required columns that are absent from ``df``."""
    return [col for col in required if col not in df.columns]


def clean_features(df: pd.DataFrame) -> pd.DataFrame:
    """The model's features from raw listing rows (extra columns are ignored).

    Categories are put into canonical spellings, text in numbers becomes NaN (imputed by the
    model), the hour-meter fault becomes NaN, and the price is put in dollars and logged.
    """
    absent = missing_columns(df, RAW_COLUMNS)
    if absent:
        raise ValueError(f"missing required columns: {', '.join(absent)}")
    out = pd.DataFrame(index=df.index)
    out["source"] = df["source"].map(normalise_source).astype(object)
    out["category"] = df["category"].map(lambda v: _canonical(v, _CATEGORY_ALIASES)).astype(object)
    out["brand_tier"] = df["brand_tier"].map(lambda v: _canonical(v, _TIER_ALIASES)).astype(object)
    out["condition"] = (
        df["condition"].map(lambda v: _canonical(v, _CONDITION_ALIASES)).astype(object)
    )
    out["age_months"] = df["age_months"].map(parse_age).astype("float64")
    hours = pd.to_numeric(df["hours_used"], errors="coerce").astype("float64")
    out["hours_used"] = hours.where((hours >= 0) & (hours <= MAX_PLAUSIBLE_HOURS))
    out["log_price"] = np.log(price_in_dollars(df["original_price"], out["source"]))
    out["seller_rating"] = pd.to_numeric(df["seller_rating"], errors="coerce").astype("float64")
    return out[FEATURES]
