"""The private holdout of a challenge, and what a submission's predictions score on it.

The generator writes `private/holdout/features.csv` (what `predict` sees), `labels.csv`
(the truth and the slice of every labelled row) and `probes.csv` (probe pairs, sides `a`
and `b`). Predictions are read by the one reader (`harness.readers.predictions`) as untrusted data:
ids as text, values coerced to numbers, anything unparseable or non-finite left out, never
executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from harness.challenges.model import Challenge
from harness.errors import HarnessError
from harness.metrics import Metric
from harness.readers.predictions import read_predictions_file

HOLDOUT = "private/holdout"
ALL_ROWS = "all"


@dataclass(frozen=True)
class HoldoutKey:
    """The truth for the holdout: labels with slices, and the probe pairs."""

    features: Path
    labels: pd.DataFrame
    """Indexed by row id: `target` and `slice`."""
    probes: pd.DataFrame
    """Columns `pair`, `id`, `side`."""

    def slice_ids(self, name: str | None) -> pd.Index:
        """The ids of one slice's rows, or of every labelled row."""
        if name is None or name == ALL_ROWS:
            return self.labels.index
        return self.labels.index[self.labels["slice"] == name]


def load_holdout(challenge: Challenge, folder: Path | None = None) -> HoldoutKey:
    """Read the holdout of a challenge (or of a generated copy of it in `folder`)."""
    root = (folder or challenge.folder) / HOLDOUT
    try:
        labels = pd.read_csv(root / "labels.csv", dtype={challenge.id_column: str})
        probes = pd.read_csv(root / "probes.csv", dtype={challenge.id_column: str})
    except FileNotFoundError as err:
        raise HarnessError(
            f"{err.filename}: no such file; the challenge's private holdout is missing",
            hint=f"regenerate it: python {challenge.folder / 'generate.py'} --out DIR",
        ) from err
    labels = labels.rename(columns={challenge.target: "target"}).set_index(challenge.id_column)
    probes = probes.rename(columns={challenge.id_column: "id"})
    return HoldoutKey(root / "features.csv", labels, probes)


def read_predictions(path: Path, challenge: Challenge) -> pd.DataFrame:
    """The predictions, indexed by id, with numeric `prediction` (and `probability`): the
    one reader's usable values (`harness.readers.predictions`), non-finite rows left out."""
    values = read_predictions_file(path, challenge.id_column).values
    wanted = ["prediction", "probability"] if challenge.probability else ["prediction"]
    return values.reindex(columns=wanted).astype(float)


@dataclass(frozen=True)
class SliceScore:
    """One metric on one slice of the holdout."""

    slice: str
    metric: str
    value: float | None
    rows: int
    """Labelled rows in the slice that have a usable prediction."""


def score_slice(key: HoldoutKey, predictions: pd.DataFrame, metric: Metric,
                name: str | None) -> SliceScore:  # fmt: skip
    """The metric on one slice (None: all labelled rows); None when it cannot be computed."""
    ids = key.slice_ids(name)
    values = predictions.reindex(ids)[metric.reads] if metric.reads in predictions else None
    label = name or ALL_ROWS
    if values is None:
        return SliceScore(label, metric.name, None, 0)
    usable = values.notna().to_numpy()
    truth = key.labels.loc[ids, "target"].to_numpy()[usable]
    try:
        value = metric(truth, values.to_numpy()[usable]) if usable.any() else None
    except ValueError:
        value = None
    return SliceScore(label, metric.name, value, int(usable.sum()))


def probe_gap(key: HoldoutKey, predictions: pd.DataFrame, challenge: Challenge) -> float | None:
    """How far apart the two sides of a probe pair are predicted, on average.

    Classification with probabilities: the mean absolute difference of the probabilities.
    Otherwise: the mean absolute difference relative to the pair's mean size, so the number
    reads the same for prices and for durations.
    """
    if key.probes.empty:
        return None
    column = "probability" if challenge.probability else "prediction"
    sides = key.probes.pivot(index="pair", columns="side", values="id")
    a = predictions[column].reindex(sides["a"]).to_numpy()
    b = predictions[column].reindex(sides["b"]).to_numpy()
    usable = ~(np.isnan(a) | np.isnan(b))
    if not usable.any():
        return None
    a, b = a[usable], b[usable]
    if challenge.probability:
        return float(np.mean(np.abs(a - b)))
    size = np.maximum((np.abs(a) + np.abs(b)) / 2, 1e-9)
    return float(np.mean(np.abs(a - b) / size))


def baseline_predictions(challenge: Challenge, key: HoldoutKey) -> pd.DataFrame:
    """What a trivial model predicts for every labelled holdout row: the training prior
    (classification) or the training median (regression), exactly what scikit-learn's
    DummyClassifier(strategy="prior") and DummyRegressor(strategy="median") predict
    (tests/scorers holds them equal), without loading scikit-learn into a grading."""
    train = pd.read_csv(challenge.train_data / "train.csv")
    target = pd.to_numeric(train[challenge.target], errors="coerce").dropna().to_numpy()
    rows = len(key.labels)
    out = pd.DataFrame(index=key.labels.index)
    if challenge.task == "classification":
        classes, counts = np.unique(target, return_counts=True)
        prior = counts / counts.sum()
        out["prediction"] = np.full(rows, classes[prior.argmax()])  # ValueError when empty
        out["probability"] = np.full(rows, prior[-1])
    else:
        if target.shape[0] == 0 or not np.isfinite(target).all():
            raise ValueError(f"{challenge.target}: no finite training target for a median")
        out["prediction"] = np.full(rows, np.median(target.reshape(-1, 1), axis=0)[0])
    return out
