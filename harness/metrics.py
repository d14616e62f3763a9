"""The metrics a challenge or a candidate's `[estimate]` may name, with scikit-learn's numbers.

Each metric knows whether higher is better and whether it reads the `probability` column
(a ranking metric) or the `prediction` column. Names are matched loosely (`ROC-AUC`,
`auc`, `mean_absolute_error`), since candidates write them in many ways.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from harness.scorers import classification, ranking, regression
from harness.scorers.targets import plain

Scorer = Callable[[np.ndarray, np.ndarray], float]


@dataclass(frozen=True)
class Metric:
    """A named score of predictions against the truth."""

    name: str
    higher_is_better: bool
    reads: str
    """The predictions column it reads: `prediction` or `probability`."""
    scorer: Scorer

    def __call__(self, truth: np.ndarray, values: np.ndarray) -> float:
        return float(self.scorer(truth, values))

    def worse_by(self, score: float, than: float) -> float:
        """How much worse `score` is than `than` (negative when it is better)."""
        return than - score if self.higher_is_better else score - than


def _same_as_sklearn(exact: Scorer, sklearn_name: str) -> Scorer:
    """`exact` (harness.scorers: scikit-learn's numbers in numpy) on plain 1-d finite
    numbers, what every grading has; scikit-learn itself, imported only then, on anything
    else. A grading then never loads scikit-learn and SciPy (80 MB)."""

    def score(truth: np.ndarray, values: np.ndarray) -> float:
        if plain(truth, values):
            return exact(truth, values)
        from sklearn import metrics as skm

        return float(getattr(skm, sklearn_name)(truth, values))

    return score


_mse = _same_as_sklearn(regression.mean_squared_error, "mean_squared_error")


def _rmse(truth: np.ndarray, values: np.ndarray) -> float:
    return math.sqrt(_mse(truth, values))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("roc_auc", True, "probability", _same_as_sklearn(ranking.roc_auc, "roc_auc_score")),
        Metric("balanced_accuracy", True, "prediction",
               _same_as_sklearn(classification.balanced_accuracy, "balanced_accuracy_score")),
        Metric("accuracy", True, "prediction",
               _same_as_sklearn(classification.accuracy, "accuracy_score")),
        Metric("f1", True, "prediction", _same_as_sklearn(classification.f1, "f1_score")),
        Metric("mae", False, "prediction",
               _same_as_sklearn(regression.mean_absolute_error, "mean_absolute_error")),
        Metric("rmse", False, "prediction", _rmse),
        Metric("r2", True, "prediction", _same_as_sklearn(regression.r2, "r2_score")),
    )
}  # fmt: skip
ALIASES = {
    "auc": "roc_auc",
    "rocauc": "roc_auc",
    "auroc": "roc_auc",
    "balancedaccuracy": "balanced_accuracy",
    "f1score": "f1",
    "meanabsoluteerror": "mae",
    "rootmeansquarederror": "rmse",
    "r2score": "r2",
    "rsquared": "r2",
}


def find_metric(name: str) -> Metric | None:
    """The metric a name means, or None when the harness does not know it."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    for known in METRICS:
        if key == known.replace("_", ""):
            return METRICS[known]
    return METRICS.get(ALIASES.get(key, ""))


def metric(name: str) -> Metric:
    """The metric a challenge names; an unknown name is a bug in the challenge."""
    found = find_metric(name)
    if found is None:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    return found
