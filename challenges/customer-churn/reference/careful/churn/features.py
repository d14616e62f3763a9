"""Input cleaning shared by training, batch prediction and the HTTP service."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

ID_COLUMN = "customer_id"
TARGET_COLUMN = "churned"

# retention_calls is logged by the retention team, who call customers after they have given
# notice. In the export it is counted after the outcome: 88% of churners have calls, 4% of
# stayers do. At scoring time nobody has given notice yet, so the column would be zero for
# everyone and a model that leaned on it would miss every churner. It is never a feature.
LEAKY_COLUMNS: tuple[str, ...] = ("retention_calls",)

NUMERIC_FEATURES: list[str] = ["tenure_months", "monthly_charges", "support_tickets", "senior"]
CATEGORICAL_FEATURES: list[str] = ["contract", "payment_method", "region"]
FEATURES: list[str] = NUMERIC_FEATURES + CATEGORICAL_FEATURES

# Bills above this are placeholders in the export (9999.99), not real charges.
MAX_MONTHLY_CHARGE = 1000.0

# Spellings seen in the raw data (after lower-casing and collapsing separators)
# mapped to one canonical label per category.
_CONTRACT_ALIASES: dict[str, str] = {
    "month to month": "month-to-month",
    "monthly": "month-to-month",
    "m2m": "month-to-month",
    "one year": "one year",
    "1 year": "one year",
    "12 months": "one year",
    "two year": "two year",
    "2 year": "two year",
    "24 months": "two year",
}
_PAYMENT_ALIASES: dict[str, str] = {
    "credit card": "card",
    "card": "card",
    "e-check": "electronic check",
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


def normalise_payment(value: object) -> str | float:
    """Map a raw payment spelling to card / bank transfer / electronic check / mailed check."""
    text = normalise_text(value)
    if not isinstance(text, str):
        return np.nan
    return _PAYMENT_ALIASES.get(text, text)


def parse_months(value: object) -> float:
    """`12`, `"12"` and `"12 months"` are 12 months; `"unknown"` and blanks are NaN."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:months?)?\s*", str(value))
    return float(match.group(1)) if match else np.nan


def missing_columns(df: pd.DataFrame, required: list[str]) -> list[str]:
    """Return the required columns that are absent from ``df``."""
    return [col for col in required if col not in df.columns]


def clean_features(df: pd.DataFrame) -> pd.DataFrame:
    """Return only the model features, with numerics coerced and categories normalised.

    Unknown extra columns (and the leaky ones) are dropped; unparseable numbers become NaN
    and are imputed later in the pipeline.
    """
    absent = missing_columns(df, FEATURES)
    if absent:
        raise ValueError(f"missing required feature columns: {', '.join(absent)}")
    out = pd.DataFrame(index=df.index)
    out["tenure_months"] = df["tenure_months"].map(parse_months).astype("float64")
    for col in ("monthly_charges", "support_tickets", "senior"):
        out[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    out.loc[out["monthly_charges"] > MAX_MONTHLY_CHARGE, "monthly_charges"] = np.nan
    out["contract"] = df["contract"].map(normalise_contract).astype(object)
    out["payment_method"] = df["payment_method"].map(normalise_payment).astype(object)
    out["region"] = df["region"].map(normalise_text).astype(object)
    return out[FEATURES]
