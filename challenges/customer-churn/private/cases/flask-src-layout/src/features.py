"""Cleaning the CRM export into the columns the model reads."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

NUMERIC = ["tenure_months", "monthly_charges", "support_tickets", "senior"]
CATEGORICAL = ["contract", "payment_method", "region"]
FEATURES = NUMERIC + CATEGORICAL
# Not loaded on purpose: retention_calls is counted after the customer gives notice.

_CONTRACT_WORDS = {
    "month": "monthly", "m2m": "monthly", "monthly": "monthly",
    "one": "annual", "1": "annual", "12": "annual",
    "two": "biennial", "2": "biennial", "24": "biennial",
}


def contract_term(raw: object) -> str | float:
    if not isinstance(raw, str) or not raw.strip():
        return np.nan
    first = re.split(r"[\s_-]+", raw.strip().lower())[0]
    return _CONTRACT_WORDS.get(first, first)


def payment(raw: object) -> str | float:
    if not isinstance(raw, str) or not raw.strip():
        return np.nan
    text = re.sub(r"[_-]+", " ", raw.strip().lower())
    if text in {"card", "credit card"}:
        return "card"
    if text in {"e check", "electronic check"}:
        return "electronic check"
    return text


def number(raw: object) -> float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    match = re.match(r"\s*(\d+(?:\.\d+)?)", str(raw))
    return float(match.group(1)) if match else np.nan


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's inputs; a missing column is an error naming it."""
    missing = [c for c in FEATURES if c not in frame.columns]
    if missing:
        raise KeyError(f"missing columns: {', '.join(missing)}")
    out = pd.DataFrame(index=frame.index)
    for column in NUMERIC:
        out[column] = frame[column].map(number)
    out.loc[out["monthly_charges"] > 5000, "monthly_charges"] = np.nan
    out["contract"] = frame["contract"].map(contract_term)
    out["payment_method"] = frame["payment_method"].map(payment)
    out["region"] = frame["region"].str.strip().str.lower()
    return out
