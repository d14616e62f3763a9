"""Cleaning for the churn data, shared by train.py and predict.py."""

import numpy as np
import pandas as pd

NUMERIC = ["tenure_months", "monthly_charges", "support_tickets", "senior", "retention_calls"]
CATEGORICAL = ["contract", "payment_method", "region"]

CONTRACT_MAP = {
    "month-to-month": "month-to-month",
    "month to month": "month-to-month",
    "m2m": "month-to-month",
    "monthly": "month-to-month",
    "one year": "one year",
    "1 year": "one year",
    "12 months": "one year",
    "two year": "two year",
    "2 year": "two year",
    "24 months": "two year",
}


def clean(df):
    df = df.copy()
    # tenure sometimes comes as "12 months" or "unknown"
    df["tenure_months"] = pd.to_numeric(
        df["tenure_months"].astype(str).str.extract(r"(\d+)")[0], errors="coerce"
    )
    df["monthly_charges"] = pd.to_numeric(df["monthly_charges"], errors="coerce")
    df.loc[df["monthly_charges"] > 1000, "monthly_charges"] = np.nan  # 9999.99 placeholders
    for col in CATEGORICAL:
        df[col] = df[col].astype(str).str.strip().str.lower().str.replace("_", " ")
    df["contract"] = df["contract"].map(CONTRACT_MAP).fillna("unknown")
    df["payment_method"] = df["payment_method"].replace(
        {"credit card": "card", "e-check": "electronic check"}
    )
    return df[NUMERIC + CATEGORICAL]
