"""How the model is validated: the readings of one pump never straddle a split.

Every pump appears in many readings, and its nameplate values, install year and a discharge
pressure that barely moves between inspections make it easy to recognise. A random split puts
readings of the same pump in training and in test, the model scores the pumps it has already
seen, and the estimate says nothing about the pumps it will be used on: most of the fleet was
not in the pilot. So folds are built by pump (GroupKFold on pump_id).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from pumps.features import GROUP_COLUMN, TARGET_COLUMN

Split = tuple[np.ndarray, np.ndarray]


def pump_folds(df: pd.DataFrame, n_splits: int, seed: int) -> Iterator[Split]:
    """Train/test row indices with every pump wholly on one side."""
    groups = df[GROUP_COLUMN].to_numpy()
    n_splits = min(n_splits, len(np.unique(groups)))
    folds = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    yield from folds.split(df, df[TARGET_COLUMN], groups=groups)


def random_folds(df: pd.DataFrame, n_splits: int, seed: int) -> Iterator[Split]:
    """Ordinary stratified folds, which mix the readings of a pump: only to show the gap."""
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    yield from folds.split(df, df[TARGET_COLUMN])


def cross_validated_auc(
    pipeline: Pipeline, df: pd.DataFrame, splits: Iterator[Split]
) -> list[float]:
    """ROC AUC of a fresh copy of ``pipeline`` on each test fold."""
    scores = []
    y = df[TARGET_COLUMN].to_numpy()
    for train_idx, test_idx in splits:
        if len(np.unique(y[test_idx])) < 2:
            continue  # AUC is undefined on a fold with one class
        model = clone(pipeline).fit(df.iloc[train_idx], y[train_idx])
        scores.append(
            float(roc_auc_score(y[test_idx], model.predict_proba(df.iloc[test_idx])[:, 1]))
        )
    return scores


def grouped_auc(
    pipeline: Pipeline, df: pd.DataFrame, n_splits: int = 5, repeats: int = 3
) -> list[float]:
    """Fold scores of GroupKFold by pump, repeated with different pump-to-fold assignments."""
    scores: list[float] = []
    for seed in range(repeats):
        scores += cross_validated_auc(pipeline, df, pump_folds(df, n_splits, seed))
    return scores
