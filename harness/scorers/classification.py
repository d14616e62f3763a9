"""accuracy, balanced accuracy and F1 of labels, as scikit-learn computes them (its
defaults: F1 of the positive label 1, 0.0 where it is undefined)."""

from __future__ import annotations

import numpy as np

from harness.scorers.targets import classification_task


def accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """The share of exact matches (`accuracy_score`)."""
    classification_task(truth, predicted)
    return float(np.average(truth == predicted))


def balanced_accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """The mean recall over the true classes (`balanced_accuracy_score`): a label only
    predicted, never true, has no recall and is left out."""
    _, labels = classification_task(truth, predicted)
    true_index = np.searchsorted(labels, truth)
    support = np.bincount(true_index, minlength=labels.shape[0])
    correct = np.bincount(true_index[truth == predicted], minlength=labels.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = correct / support
    return float(np.mean(per_class[~np.isnan(per_class)]))


def f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of the label 1 (`f1_score`, average="binary"): a ValueError for more than two
    labels, or two without 1; 0.0 when 1 is neither true nor predicted."""
    kind, labels = classification_task(truth, predicted)
    if kind != "binary":
        raise ValueError("Target is multiclass but average='binary'")
    if not np.any(labels == 1) and labels.shape[0] >= 2:
        raise ValueError("pos_label=1 is not a valid label")
    hits = float(np.count_nonzero((truth == 1) & (predicted == 1)))
    denominator = float(np.count_nonzero(truth == 1)) + float(np.count_nonzero(predicted == 1))
    return 0.0 if denominator == 0 else 2.0 * hits / denominator
