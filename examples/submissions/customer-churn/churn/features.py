"""Input cleaning shared by training, batch prediction and the HTTP service."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

ID_COLUMN = "customer_id"
ROW_ID_COLUMN = "row_id"
TARGET_COLUMN = "churned"

NUMERIC_FEATURES: list[str] = ["tenure_months", "monthly_charges", "support_tickets"]
CATEGORICAL_FEATURES: list[str] = ["contract", "payment_method", "region"]
FEATURES: list[str] = NUMERIC_FEATURES + CATEGORICAL_FEATURES

# Spellings seen in the raw data (after lower-casing and collapsing separators)
# mapped to one canonical label per contract type.
_CONTRACT_ALIASES: dict[str, str] = {
    "month to month": "month-to-month",
    "monthly": "month-to-month",
    "m2m": "month-to-month",
    "one year": "one year",
    "1 year": "one year",
    "1 yr": "one year",
    "12 months": "one year",
    "annual": "one year",
    "two year": "two year",
    "2 year": "two year",
    "2 yr": "two year",
    "24 months": "two year",
}


def normalise_text(value: object) -> str | float:
    """Lower-case, trim and collapse whitespace/underscores; blanks become NaN."""
    if not isinstance(value, str):
        return np.nan
    text = re.sub(r"[\s_]+", " ", value).strip().lower()
    return text or np.nan


def normalise_contract(value: object) -> str | float:
    """Map a raw contract spelling to month-to-month / one year / two year."""
    text = normalise_text(value)
    if not isinstance(text, str):
        return np.nan
    key = re.sub(r"\s+", " ", text.replace("-", " ")).strip()
    key = re.sub(r"\b(year|yr)s\b", r"\1", key).removesuffix(" contract")
    return _CONTRACT_ALIASES.get(key, text)


def missing_columns(df: pd.DataFrame, required: list[str]) -> list[str]:
    """Return the required columns that are absent from ``df``."""
    return [col for col in required if col not in df.columns]


def clean_features(df: pd.DataFrame) -> pd.DataFrame:
    """Return only the model features, with numerics coerced and categories normalised.

    Unknown extra columns are dropped; unparseable numbers become NaN and are
    imputed later in the pipeline.
    """
    absent = missing_columns(df, FEATURES)
    if absent:
        raise ValueError(f"missing required feature columns: {', '.join(absent)}")
    out = pd.DataFrame(index=df.index)
    for col in NUMERIC_FEATURES:
        out[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in CATEGORICAL_FEATURES:
        cleaner = normalise_contract if col == "contract" else normalise_text
        out[col] = df[col].map(cleaner).astype(object)
    return out
