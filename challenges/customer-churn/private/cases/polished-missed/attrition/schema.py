"""The input schema and its normalisation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ID = "customer_id"
TARGET = "churned"


@dataclass(frozen=True)
class Schema:
    numeric: tuple[str, ...] = (
        "tenure_months", "monthly_charges", "support_tickets", "senior", "retention_calls",
    )
    categorical: tuple[str, ...] = ("contract", "payment_method", "region")

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]


SCHEMA = Schema()
_CANONICAL = {
    "contract": {"m2m": "month-to-month", "monthly": "month-to-month",
                 "month to month": "month-to-month", "1 year": "one year",
                 "12 months": "one year", "2 year": "two year", "24 months": "two year"},
    "payment_method": {"card": "credit card", "e-check": "electronic check",
                       "bank_transfer": "bank transfer"},
}


def normalise(frame: pd.DataFrame, schema: Schema = SCHEMA) -> pd.DataFrame:
    """A copy with numbers parsed and category spellings unified."""
    absent = [c for c in schema.columns if c not in frame.columns]
    if absent:
        raise ValueError(f"input lacks {absent}")
    out = frame[schema.columns].copy()
    for column in schema.numeric:
        text = out[column].astype(str).str.extract(r"(\d+\.?\d*)", expand=False)
        out[column] = pd.to_numeric(text, errors="coerce")
    out.loc[out["monthly_charges"] > 5000, "monthly_charges"] = np.nan
    for column in schema.categorical:
        lowered = out[column].astype("string").str.strip().str.lower()
        out[column] = lowered.replace(_CANONICAL.get(column, {})).fillna("missing")
    return out
