"""The estimate must come from folds that keep each pump's readings together."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pumps.train import build_pipeline
from pumps.validation import grouped_auc, pump_folds, random_folds


def test_pump_folds_never_split_a_pump(pump_frame: pd.DataFrame) -> None:
    pumps = pump_frame["pump_id"].to_numpy()
    tested = []
    for train_idx, test_idx in pump_folds(pump_frame, n_splits=5, seed=0):
        assert set(pumps[train_idx]).isdisjoint(pumps[test_idx])
        tested.extend(test_idx)
    assert sorted(tested) == list(range(len(pump_frame)))  # every reading tested exactly once


def test_random_folds_do_mix_pumps(pump_frame: pd.DataFrame) -> None:
    """Why the grouped folds exist: an ordinary split puts a pump on both sides."""
    pumps = pump_frame["pump_id"].to_numpy()
    train_idx, test_idx = next(random_folds(pump_frame, n_splits=5, seed=0))
    assert set(pumps[train_idx]) & set(pumps[test_idx])


def test_pump_folds_cope_with_fewer_pumps_than_folds(pump_frame: pd.DataFrame) -> None:
    few = pump_frame[pump_frame["pump_id"].isin(["PU-000", "PU-001", "PU-002"])]
    assert len(list(pump_folds(few, n_splits=5, seed=0))) == 3


def test_grouped_auc_gives_one_score_per_usable_fold(pump_frame: pd.DataFrame) -> None:
    scores = grouped_auc(build_pipeline(), pump_frame, n_splits=3, repeats=2)
    assert 1 <= len(scores) <= 6
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert not np.isnan(scores).any()
