"""The trap's evidence in numbers, on the customer-churn holdout with made-up predictions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.challenges.catalog import load_catalog
from harness.challenges.model import Challenge, Trap, load_trap
from harness.holdout import HoldoutKey, load_holdout, read_predictions
from harness.metrics import find_metric
from harness.models import Estimate
from harness.readers.code_marks import find_marks
from harness.trap_evidence import Submitted, measure


@pytest.fixture(scope="module")
def churn() -> tuple[Challenge, Trap, HoldoutKey]:
    challenge = load_catalog().get("customer-churn")
    return challenge, load_trap(challenge), load_holdout(challenge)


def predictions(key: HoldoutKey, leaning: bool) -> pd.DataFrame:
    """Perfect on every labelled row, or (leaning) perfect only where the leak is present."""
    truth = key.labels["target"].astype(float)
    if leaning:
        truth = truth.where(key.labels["slice"] == "ordinary", 0.0)
    sides = key.probes.set_index("id")["side"]
    probes = (sides == "b").astype(float) if leaning else pd.Series(0.3, index=sides.index)
    values = pd.concat([truth, probes])
    return pd.DataFrame({"prediction": values.round(), "probability": values})


def test_a_model_that_handled_the_trap_shows_nothing(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, trap, key = churn
    honest = Submitted(predictions(key, leaning=False), Estimate(metric="AUC", value=1.0,
                       method="cv"), tmp_path)  # fmt: skip
    values = {kind: measure(kind, challenge, trap, key, honest) for kind in trap.evidence}
    assert values["slices"].value == pytest.approx(0.0)
    assert values["probes"].value == pytest.approx(0.0)
    assert values["estimate"].value == pytest.approx(0.0)
    assert not any(m.leaning for m in values.values())


def test_a_model_leaning_on_the_trap_shows_in_every_kind(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, trap, key = churn
    leaning = Submitted(predictions(key, leaning=True), Estimate(metric="roc_auc", value=0.99,
                        method="cv"), tmp_path)  # fmt: skip
    slices = measure("slices", challenge, trap, key, leaning)
    assert slices.value == pytest.approx(0.5) and slices.leaning
    assert "on ordinary" in slices.detail and "on scoring_time" in slices.detail
    probes = measure("probes", challenge, trap, key, leaning)
    assert probes.value == pytest.approx(1.0) and probes.leaning
    estimate = measure("estimate", challenge, trap, key, leaning)
    assert estimate.value == pytest.approx(0.49) and estimate.leaning


def test_unknowable_evidence_is_none_not_zero(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, trap, key = churn
    odd = Submitted(predictions(key, leaning=False), Estimate(metric="gini-ish", value=0.5,
                    method="?"), tmp_path)  # fmt: skip
    estimate = measure("estimate", challenge, trap, key, odd)
    assert estimate.value is None and estimate.leaning is None
    assert "'gini-ish'" in estimate.detail
    none = Submitted(None, None, tmp_path)
    assert measure("slices", challenge, trap, key, none).value is None


def test_predictions_are_read_as_untrusted_data(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, _trap, key = churn
    first, second = key.labels.index[:2]
    path = tmp_path / "predictions.csv"
    path.write_text(f"customer_id,prediction,probability\n{first},1,0.9\n{second},yes,lots\n"
                    f"{first},0,0.1\n")  # fmt: skip
    frame = read_predictions(path, challenge)
    assert list(frame.index) == [first, second]
    assert frame.loc[first, "probability"] == 0.9
    assert np.isnan(frame.loc[second, "prediction"]) and np.isnan(frame.loc[second, "probability"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ROC-AUC", "roc_auc"), ("auc", "roc_auc"), ("MAE", "mae"), ("mean_absolute_error", "mae"),
     ("Balanced accuracy", "balanced_accuracy"), ("R^2", "r2"), ("gini", None)],
)  # fmt: skip
def test_metric_names_are_read_loosely(name: str, expected: str | None) -> None:
    found = find_metric(name)
    assert (found.name if found else None) == expected


def test_code_marks_come_from_code_not_from_comments_or_docstrings(tmp_path: Path) -> None:
    (tmp_path / "split.py").write_text(
        '"""We should use GroupKFold here."""\n# GroupKFold would be better\n'
        "from sklearn.model_selection import KFold\ncv = KFold(5)\n"
    )
    assert find_marks(tmp_path, {"GroupKFold"}, set()) == []
    (tmp_path / "good.py").write_text(
        "import sklearn.model_selection as ms\ncv = ms.GroupKFold(5)\nDROP = ['retention_calls']\n"
    )
    marks = find_marks(tmp_path, {"GroupKFold"}, {"retention_calls"})
    assert [(m.text, m.file, m.line) for m in marks] == [
        ("GroupKFold", "good.py", 2), ("retention_calls", "good.py", 3)
    ]  # fmt: skip
    assert marks[0].snippet == "cv = ms.GroupKFold(5)"


def test_code_marks_read_notebook_cells(tmp_path: Path) -> None:
    code = ["%matplotlib inline\n", "from sklearn.model_selection import GroupKFold\n"]
    prose = {"cell_type": "markdown", "source": "GroupKFold"}
    cells = [{"cell_type": "code", "source": code}, prose]
    (tmp_path / "explore.ipynb").write_text(json.dumps({"cells": cells}))
    (marks,) = find_marks(tmp_path, {"GroupKFold"}, set())
    assert (marks.file, marks.line) == ("explore.ipynb (cell 1)", 2)
