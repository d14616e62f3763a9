"""Mean absolute error, mean squared error and R² as scikit-learn computes them: one
output column, averaged over rows along axis 0, then over the one output."""

from __future__ import annotations

import math

import numpy as np


def _columns(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float64 columns of shape (n, 1), the shape scikit-learn reduces over."""
    return truth.astype(np.float64).reshape(-1, 1), predicted.astype(np.float64).reshape(-1, 1)


def mean_absolute_error(truth: np.ndarray, predicted: np.ndarray) -> float:
    true, pred = _columns(truth, predicted)
    return float(np.average(np.average(np.abs(pred - true), axis=0)))


def mean_squared_error(truth: np.ndarray, predicted: np.ndarray) -> float:
    true, pred = _columns(truth, predicted)
    return float(np.average(np.average((true - pred) ** 2, axis=0)))


def r2(truth: np.ndarray, predicted: np.ndarray) -> float:
    """1 - residual / total sum of squares; NaN under two rows; where the truth is constant,
    1.0 for perfect predictions and 0.0 otherwise (scikit-learn's force_finite)."""
    if truth.shape[0] < 2:
        return math.nan
    true, pred = _columns(truth, predicted)
    residual = np.sum((true - pred) ** 2, axis=0)[0]
    total = np.sum((true - np.average(true, axis=0)) ** 2, axis=0)[0]
    if residual == 0:
        return 1.0
    if total == 0:
        return 0.0
    return float(1 - residual / total)
