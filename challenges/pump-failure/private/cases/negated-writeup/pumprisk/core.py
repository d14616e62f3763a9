"""Features, model and validation for the pump failure risk score."""
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GroupKFold, cross_val_score

COLUMNS = ["install_year", "rated_flow_m3h", "motor_kw", "runtime_hours", "days_since_service",
           "vibration_mm_s", "bearing_temp_c", "discharge_pressure_bar"]


def frame_to_matrix(df: pd.DataFrame) -> pd.DataFrame:
    X = df[COLUMNS].copy()
    X["runtime_hours"] = X["runtime_hours"].astype(str).str.replace(",", "", regex=False)
    X = X.apply(pd.to_numeric, errors="coerce")
    X["service_overdue"] = (X["days_since_service"] > 365).astype(float)
    return X.fillna(-1.0)


def new_model() -> GradientBoostingClassifier:
    return GradientBoostingClassifier(n_estimators=150, max_depth=2, learning_rate=0.05,
                                      subsample=0.8, random_state=0)


def pump_level_auc(df: pd.DataFrame) -> float:
    scores = cross_val_score(new_model(), frame_to_matrix(df), df["failed_30d"],
                             groups=df["pump_id"], cv=GroupKFold(n_splits=5), scoring="roc_auc")
    return float(np.mean(scores))
