"""The area under the ROC curve of scores against two classes, step for step as
scikit-learn's `roc_auc_score` takes it (the curve's corners, then the trapezoids)."""

from __future__ import annotations

import math

import numpy as np

from harness.scorers.targets import target_kind


def roc_auc(truth: np.ndarray, scores: np.ndarray) -> float:
    """The larger of the two labels is the positive class. NaN when the truth holds one
    class; a ValueError for more than two or for continuous truth."""
    if target_kind(truth) != "binary":
        raise ValueError("roc_auc needs two classes in the truth")
    classes = np.unique(truth)
    if classes.shape[0] != 2:
        return math.nan
    fps, tps = _curve_corners((truth == classes[-1]).astype(np.float64), scores)
    fpr, tpr = fps / fps[-1], tps / tps[-1]
    widths = fpr[1:] - fpr[:-1]
    return float(np.sum(widths * (tpr[1:] + tpr[:-1]) / 2.0, axis=-1, dtype=np.float64))


def _curve_corners(positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False and true positives at each distinct score, highest first, with the points on a
    straight line between their neighbours dropped and (0, 0) put in front."""
    order = np.argsort(scores, kind="stable")[::-1]
    ranked = scores[order]
    ends = np.concatenate([np.nonzero(np.diff(ranked))[0], [ranked.shape[0] - 1]])
    tps = np.cumsum(positive[order], dtype=np.float64)[ends]
    fps = 1 + ends.astype(np.float64) - tps
    if fps.shape[0] > 2:
        bends = np.logical_or(np.diff(fps, 2), np.diff(tps, 2))
        keep = np.where(np.concatenate([[True], bends, [True]]))[0]
        fps, tps = fps[keep], tps[keep]
    return np.concatenate([[0.0], fps]), np.concatenate([[0.0], tps])
