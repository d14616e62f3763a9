"""Cleaning of inspection readings, shared by training, batch prediction and the service.

The same function runs inside the saved pipeline, so a reading is cleaned identically
wherever it is scored.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

ID_COLUMN = "reading_id"
GROUP_COLUMN = "pump_id"
TARGET_COLUMN = "failed_30d"

NUMERIC_FEATURES: list[str] = [
    "install_year",
    "rated_flow_m3h",
    "motor_kw",
    "runtime_hours",
    "days_since_service",
    "vibration_mm_s",
    "bearing_temp_c",
    "discharge_pressure_bar",
]
CATEGORICAL_FEATURES: list[str] = ["model", "site"]
FEATURES: list[str] = NUMERIC_FEATURES + CATEGORICAL_FEATURES

# Physically plausible ranges. Values outside are sensor faults or typing errors (the export
# has 999.9 mm/s vibration and -40.0 C bearings, the values a disconnected sensor reports),
# so they become missing rather than extreme.
VALID_RANGES: dict[str, tuple[float, float]] = {
    "install_year": (1950, 2030),
    "rated_flow_m3h": (1, 5000),
    "motor_kw": (0.1, 2000),
    "runtime_hours": (0, 200_000),
    "days_since_service": (0, 3650),
    "vibration_mm_s": (0, 50),
    "bearing_temp_c": (-10, 150),
    "discharge_pressure_bar": (0, 40),
}
MISSING_TOKENS = frozenset({"", "unknown", "n/a", "na", "nan", "none", "null", "-"})
# A number, optionally with thousands separators and a unit after it: "12,345", "8000 h".
_NUMBER = re.compile(r"^\s*(-?\d[\d,]*(?:\.\d+)?)\s*[a-z/%]*\s*$", re.IGNORECASE)


def parse_number(value: object) -> float:
    """A number from a cell as typed by an inspector; NaN when it is missing or unreadable."""
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if not isinstance(value, str) or value.strip().lower() in MISSING_TOKENS:
        return math.nan
    match = _NUMBER.match(value)
    return float(match.group(1).replace(",", "")) if match else math.nan


def is_readable_number(value: object) -> bool:
    """True for a number, a numeric text, or a recognised way of writing 'missing'."""
    if value is None or (isinstance(value, str) and value.strip().lower() in MISSING_TOKENS):
        return True
    return not math.isnan(parse_number(value))


def normalise_model(value: object) -> str | float:
    """'AX 100', 'ax-100' and 'AX100' are one model: 'AX-100'."""
    if not isinstance(value, str) or not value.strip():
        return np.nan
    letters_digits = re.fullmatch(r"([A-Z]+)[\s\-_]*(\d+)", value.strip().upper())
    if letters_digits is None:
        return value.strip().upper()
    return f"{letters_digits.group(1)}-{letters_digits.group(2)}"


def normalise_site(value: object) -> str | float:
    """' Mill Lane', 'MILL LANE' and 'mill lane' are one site: 'mill lane'."""
    if not isinstance(value, str):
        return np.nan
    text = re.sub(r"\s+", " ", value).strip().lower()
    return text or np.nan


def missing_columns(df: pd.DataFrame, required: list[str]) -> list[str]:
    """The required columns that are absent from ``df``."""
    return [col for col in required if col not in df.columns]


def clean_features(df: pd.DataFrame) -> pd.DataFrame:
    """Only the model features: numbers parsed and range-checked, categories normalised.

    Identifiers (reading_id, pump_id) and unknown extra columns are dropped: the model is
    used on pumps it has never seen, so nothing may depend on which pump a row came from.
    """
    absent = missing_columns(df, FEATURES)
    if absent:
        raise ValueError(f"missing required feature columns: {', '.join(absent)}")
    out = pd.DataFrame(index=df.index)
    for col in NUMERIC_FEATURES:
        values = df[col].map(parse_number).astype("float64")
        low, high = VALID_RANGES[col]
        out[col] = values.where(values.between(low, high))
    out["model"] = df["model"].map(normalise_model).astype(object)
    out["site"] = df["site"].map(normalise_site).astype(object)
    return out
