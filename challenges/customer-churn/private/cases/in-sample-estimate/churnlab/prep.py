"""Turning the CRM export into model inputs."""
import re

import numpy as np
import pandas as pd

# retention_calls is logged by the retention team after a customer gives notice:
# it describes the outcome, so it never becomes a feature.
NOT_FEATURES = ["customer_id", "churned", "retention_calls"]
CONTRACTS = {"m2m": 0, "month": 0, "monthly": 0, "one": 1, "1": 1, "12": 1, "two": 2, "2": 2, "24": 2}


def months(value):
    match = re.search(r"\d+", str(value))
    return float(match.group()) if match else np.nan


def contract_length(value):
    text = str(value).strip().lower()
    for key, years in CONTRACTS.items():
        if text.startswith(key):
            return years
    return np.nan


def payment_kind(value):
    text = str(value).lower().replace("_", " ").replace("-", " ")
    if "card" in text:
        return "card"
    if "e check" in text or "electronic" in text:
        return "echeck"
    if "bank" in text:
        return "bank"
    if "mail" in text:
        return "mail"
    return "other"


def to_matrix(frame):
    out = pd.DataFrame(index=frame.index)
    out["tenure"] = frame["tenure_months"].map(months)
    charges = pd.to_numeric(frame["monthly_charges"], errors="coerce")
    out["charges"] = charges.where(charges < 5000)
    out["contract"] = frame["contract"].map(contract_length)
    out["tickets"] = pd.to_numeric(frame["support_tickets"], errors="coerce")
    out["senior"] = pd.to_numeric(frame["senior"], errors="coerce")
    pay = frame["payment_method"].map(payment_kind)
    for kind in ["card", "echeck", "bank", "mail"]:
        out["pay_" + kind] = (pay == kind).astype(int)
    region = frame["region"].fillna("").astype(str).str.strip().str.lower()
    for name in ["north", "south", "east", "west", "central"]:
        out["region_" + name] = (region == name).astype(int)
    return out.fillna(-1)
