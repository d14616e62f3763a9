"""Cleaning of the raw inspection export, shared by train.py and predict.py."""

import numpy as np
import pandas as pd

TARGET = "failed_30d"
ID_COLUMNS = ["reading_id", "pump_id"]  # identifiers, not predictive

NUMERIC = [
    "install_year",
    "rated_flow_m3h",
    "motor_kw",
    "runtime_hours",
    "days_since_service",
    "vibration_mm_s",
    "bearing_temp_c",
    "discharge_pressure_bar",
]
CATEGORICAL = ["model", "site"]
FEATURES = NUMERIC + CATEGORICAL

# physically plausible ranges; readings outside are sensor faults -> missing
VALID_RANGE = {
    "vibration_mm_s": (0.0, 50.0),
    "bearing_temp_c": (-10.0, 150.0),
    "discharge_pressure_bar": (0.0, 25.0),
}


def to_number(series: pd.Series) -> pd.Series:
    """'12,345', '8000 h', 'unknown' -> 12345.0, 8000.0, NaN."""
    text = series.astype(str).str.replace(",", "", regex=False)
    text = text.str.extract(r"(-?\d+(?:\.\d+)?)", expand=False)
    return pd.to_numeric(text, errors="coerce")


def clean(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for col in NUMERIC:
        out[col] = to_number(df[col])
    for col, (low, high) in VALID_RANGE.items():
        out.loc[(out[col] < low) | (out[col] > high), col] = np.nan
    # 'AX 100', 'ax-100', 'AX100' -> 'AX100'
    out["model"] = df["model"].astype("string").str.upper().str.replace(r"[\s\-]", "", regex=True)
    out["site"] = df["site"].astype("string").str.strip().str.title()
    out[CATEGORICAL] = out[CATEGORICAL].astype(object).where(out[CATEGORICAL].notna(), "unknown")
    return out
