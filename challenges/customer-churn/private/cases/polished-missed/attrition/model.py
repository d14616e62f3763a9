"""Model definition, fitting and scoring."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

from attrition.schema import ID, SCHEMA, normalise


def make_pipeline() -> Pipeline:
    encode = ColumnTransformer(
        [("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
          list(SCHEMA.categorical))],
        remainder="passthrough",
    )
    booster = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
    return Pipeline([("encode", encode), ("boost", booster)])


def cross_validated_auc(features: pd.DataFrame, labels: pd.Series, folds: int = 5) -> float:
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    scores = cross_val_predict(make_pipeline(), features, labels, cv=splitter,
                               method="predict_proba")[:, 1]
    return float(roc_auc_score(labels, scores))


def score_frame(pipeline: Any, frame: pd.DataFrame, cutoff: float = 0.5) -> pd.DataFrame:
    probability = pipeline.predict_proba(normalise(frame))[:, 1]
    return pd.DataFrame({ID: frame[ID].to_numpy(),
                         "prediction": (probability >= cutoff).astype(int),
                         "probability": np.round(probability, 6)})
