"""Folds that never split a pump across training and validation."""

from __future__ import annotations

import numpy as np
import pandas as pd


def carve_buckets(frame: pd.DataFrame, k: int = 5, seed: int = 0) -> np.ndarray:
    """A fold number per reading; all readings of one asset share a number."""
    rng = np.random.default_rng(seed)
    asset_rank = frame.groupby("pump_id", sort=False).ngroup().to_numpy()
    shuffled = rng.permutation(asset_rank.max() + 1)
    return shuffled[asset_rank] % k
