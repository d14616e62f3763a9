"""Inspection readings to model inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd

SENSORS = ["vibration_mm_s", "bearing_temp_c", "discharge_pressure_bar", "days_since_service"]
NAMEPLATE = ["install_year", "rated_flow_m3h", "motor_kw"]


def model_family(raw: object) -> str:
    """'AX-200', 'ax-200', 'AX200' and 'AX 200' are one family."""
    text = "".join(ch for ch in str(raw).upper() if ch.isalnum())
    return text[:2] or "UNKNOWN"


def hours(raw: object) -> float:
    text = str(raw).replace(",", "").strip()
    return float(text) if text.replace(".", "", 1).isdigit() else np.nan


def inputs(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[SENSORS + NAMEPLATE].apply(pd.to_numeric, errors="coerce")
    out["runtime_hours"] = frame["runtime_hours"].map(hours)
    family = frame["model"].map(model_family)
    for name in ["AX", "BV", "HZ"]:
        out["family_" + name] = (family == name).astype(float)
    return out
