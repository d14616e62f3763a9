"""The metrics and trivial baselines in numpy give scikit-learn's numbers, bit for bit.

Real scikit-learn is the oracle: every metric of `harness.metrics` on thousands of inputs
(labels of every shape a candidate's predictions or a challenge's truth take: two classes,
one, three, odd labels, probabilities with and without ties, whole-number floats, huge
values, regression values), and the result must be the same float, NaN where scikit-learn
gives NaN, or a ValueError where it raises one. Inputs outside the plain domain go to
scikit-learn itself, so they agree by construction; a few are checked anyway.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier, DummyRegressor

from harness.challenges.catalog import load_catalog
from harness.holdout import HoldoutKey, baseline_predictions, load_holdout
from harness.metrics import METRICS
from harness.scorers.targets import plain

Oracle = Callable[[np.ndarray, np.ndarray], float]
ORACLES: dict[str, Oracle] = {
    "roc_auc": skm.roc_auc_score,
    "balanced_accuracy": skm.balanced_accuracy_score,
    "accuracy": skm.accuracy_score,
    "f1": skm.f1_score,
    "mae": skm.mean_absolute_error,
    "rmse": lambda truth, values: math.sqrt(skm.mean_squared_error(truth, values)),
    "r2": skm.r2_score,
}
SIZES = (1, 2, 3, 5, 17, 200, 1000)


def _truths(rng: np.random.Generator, n: int) -> Iterator[np.ndarray]:
    yield rng.integers(0, 2, n)
    yield rng.integers(0, 2, n).astype(float)
    yield rng.integers(0, 2, n).astype(bool)
    yield np.where(rng.random(n) < 0.1, 1, 0)  # imbalanced
    yield rng.choice([-1, 1], n)
    yield rng.choice([0, 2], n)
    yield rng.choice([5.0, 7.0], n)
    yield np.zeros(n, dtype=int)
    yield np.ones(n)
    yield rng.integers(0, 3, n)
    yield rng.normal(100, 30, n)  # a regression target
    yield rng.normal(1000, 300, n).round()  # whole-number prices
    yield np.full(n, 3.5)
    yield rng.integers(0, 2, n) * 1e20


def _predictions(rng: np.random.Generator, truth: np.ndarray) -> Iterator[np.ndarray]:
    n = int(truth.shape[0])
    noisy: np.ndarray = truth.astype(float) + rng.normal(0, 0.5, n)
    yield rng.integers(0, 2, n).astype(float)
    yield np.where(rng.random(n) < 0.8, truth, 1 - truth).astype(float)
    yield rng.random(n)  # probabilities
    yield rng.random(n).round(1)  # probabilities with many ties
    yield np.clip(noisy, 0, 1)
    yield rng.integers(0, 3, n).astype(float)
    yield rng.choice([0.0, 2.0], n)
    yield np.full(n, 0.0)
    yield np.full(n, 1.0)
    yield truth.astype(float)  # perfect
    yield noisy
    yield noisy.round()
    yield rng.normal(0, 1e6, n)
    yield rng.choice([1e300, -1e300, 0.0], n)


def _cases() -> Iterator[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(16)
    for n, _repeat in itertools.product(SIZES, range(2)):
        for truth in _truths(rng, n):
            for values in _predictions(rng, truth):
                yield truth, values


def _outcome(score: Oracle, truth: np.ndarray, values: np.ndarray) -> object:
    """The float, "nan", or "ValueError": what a caller of the metric sees."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = float(score(truth, values))
        except ValueError:
            return "ValueError"
    return "nan" if math.isnan(value) else value


@pytest.mark.parametrize("name", sorted(METRICS))
def test_each_metric_gives_scikit_learns_result_exactly(name: str) -> None:
    compared = differ = 0
    kinds: set[str] = set()
    for truth, values in _cases():
        assert plain(truth, values)
        ours = _outcome(METRICS[name], truth, values)
        theirs = _outcome(ORACLES[name], truth, values)
        compared += 1
        kinds.add(ours if isinstance(ours, str) else "number")
        if ours != theirs:
            differ += 1
            assert ours == theirs, (name, truth[:8], values[:8], ours, theirs)
    assert compared > 2500 and differ == 0
    assert "number" in kinds  # the cases reach the arithmetic, not only the refusals


def test_the_cases_reach_every_refusal_and_nan() -> None:
    """Across the metrics the cases hit scikit-learn's ValueErrors and NaNs, so the
    comparison above checks those paths too, not only numbers."""
    seen = {
        (name, _outcome(ORACLES[name], truth, values))
        for truth, values in itertools.islice(_cases(), 3000)
        for name in ("roc_auc", "f1", "balanced_accuracy", "r2")
    }
    for name in ("roc_auc", "f1", "balanced_accuracy"):
        assert (name, "ValueError") in seen
    assert ("roc_auc", "nan") in seen and ("r2", "nan") in seen


@pytest.mark.parametrize(
    ("truth", "values"),
    [
        (np.array(["no", "yes", "yes", "no"], dtype=object), np.array([0.1, 0.9, 0.6, 0.4])),
        (np.array([0.0, 1.0, math.nan, 1.0]), np.array([0.1, 0.9, 0.6, 0.4])),
        (np.array([0, 1, 1, 0], dtype=np.int8), np.array([0.1, 0.9, 0.6, 0.4], np.float32)),
        (np.array([], dtype=float), np.array([], dtype=float)),
    ],
)
def test_what_is_not_plain_goes_to_scikit_learn_itself(
    truth: np.ndarray, values: np.ndarray
) -> None:
    assert not plain(truth, values)
    for name in METRICS:
        assert _outcome(METRICS[name], truth, values) == _outcome(ORACLES[name], truth, values)


def _dummies(challenge_task: str, target: pd.Series, rows: int) -> pd.DataFrame:
    """What baseline_predictions predicted when it fitted scikit-learn's dummies."""
    zeros = np.zeros((rows, 1))
    out = pd.DataFrame(index=range(rows))
    if challenge_task == "classification":
        model = DummyClassifier(strategy="prior").fit(np.zeros((len(target), 1)), target)
        out["prediction"] = model.predict(zeros)
        out["probability"] = model.predict_proba(zeros)[:, -1]
    else:
        regressor = DummyRegressor(strategy="median").fit(np.zeros((len(target), 1)), target)
        out["prediction"] = regressor.predict(zeros)
    return out


CATALOG = load_catalog(())


@pytest.mark.parametrize("challenge_id", sorted(CATALOG.challenges))
def test_the_baseline_is_what_scikit_learns_dummies_predict(challenge_id: str) -> None:
    challenge = CATALOG.get(challenge_id)
    key = load_holdout(challenge)
    ours = baseline_predictions(challenge, key)
    train = pd.read_csv(challenge.train_data / "train.csv")
    target = pd.to_numeric(train[challenge.target], errors="coerce").dropna()
    theirs = _dummies(challenge.task, target, len(key.labels)).set_index(key.labels.index)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)


TARGETS = {
    "int labels": "0\n1\n1\n0\n1\n",
    "float labels": "0.0\n1.0\n1.0\n",
    "tie between classes": "0\n1\n0\n1\n",
    "one class": "1\n1\n1\n",
    "odd labels": "2\n5\n5\n",
    "garbage among labels": "1\nx\n0\n\n1\n",
    "even count": "3.5\n1\n10\n2\n",
    "odd count": "3\n1\n10\n",
    "negative floats": "-1.25\n-3.5\n7\n",
}


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("case", sorted(TARGETS))
def test_the_baseline_agrees_on_odd_training_targets(tmp_path: Path, task: str, case: str) -> None:
    data = tmp_path / "public" / "data"
    data.mkdir(parents=True)
    (data / "train.csv").write_text("y\n" + TARGETS[case])
    churn = CATALOG.get("customer-churn")
    challenge = churn.model_copy(update={"folder": tmp_path, "target": "y", "task": task})
    labels = pd.DataFrame({"target": [0, 1, 1], "slice": "all"}, index=["a", "b", "c"])
    key = HoldoutKey(tmp_path / "features.csv", labels, pd.DataFrame())
    ours = baseline_predictions(challenge, key)
    target = pd.to_numeric(pd.read_csv(data / "train.csv")["y"], errors="coerce").dropna()
    theirs = _dummies(task, target, 3).set_index(labels.index)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_no_usable_training_target_is_a_value_error_as_before(tmp_path: Path, task: str) -> None:
    data = tmp_path / "public" / "data"
    data.mkdir(parents=True)
    (data / "train.csv").write_text("y\nx\n\n")
    churn = CATALOG.get("customer-churn")
    challenge = churn.model_copy(update={"folder": tmp_path, "target": "y", "task": task})
    labels = pd.DataFrame({"target": [0, 1], "slice": "all"}, index=["a", "b"])
    with pytest.raises(ValueError):
        baseline_predictions(challenge, HoldoutKey(tmp_path / "f.csv", labels, pd.DataFrame()))
    with pytest.raises(ValueError):
        _dummies(task, pd.Series([], dtype=float), 2)
