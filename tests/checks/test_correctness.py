"""Correctness checks on predictions written by hand: the contract's every rule, and the
holdout score beside the baseline and the references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from harness.checks import REGISTRY
from harness.checks.context import CheckContext
from harness.holdout import load_holdout
from harness.models import Finding, StageResult
from tests.checks.contexts import make_context

NAIVE = Path(__file__).resolve().parents[2] / "challenges/customer-churn/reference/naive"


def context_with(tmp_path: Path, frame: pd.DataFrame, **overrides: Any) -> CheckContext:
    path = tmp_path / "predictions.csv"
    frame.to_csv(path, index=False)
    return make_context(NAIVE, predictions_file=path, **overrides)


def perfect(tmp_path: Path) -> pd.DataFrame:
    context = make_context(NAIVE)
    assert context.holdout is not None
    ids = pd.read_csv(context.holdout.features, dtype=str)["customer_id"]
    truth = context.holdout.labels["target"].reindex(ids).fillna(0).astype(int)
    return pd.DataFrame({"customer_id": ids, "prediction": truth.to_numpy(),
                         "probability": truth.to_numpy() * 0.9 + 0.05})  # fmt: skip


def run(check_id: str, context: CheckContext) -> Finding:
    return REGISTRY[check_id].run(context)


def test_predictions_that_honour_the_contract_pass(tmp_path: Path) -> None:
    finding = run("correctness.contract", context_with(tmp_path, perfect(tmp_path)))
    assert finding.status == "pass", finding.message


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda f: pd.concat([f, f.head(2)]), "2 ids repeated"),
        (lambda f: f.iloc[5:], "5 input ids missing"),
        (lambda f: f.assign(prediction=f["prediction"].astype(object).where(
            f.index > 2, "")), "3 empty or NaN prediction"),
        (lambda f: f.assign(prediction="yes"), "outside ['0', '1']"),
        (lambda f: f.assign(probability=1.5), "probability values missing or outside [0, 1]"),
        (lambda f: f.drop(columns=["probability"]), "no probability column"),
        (lambda f: f.rename(columns={"customer_id": "id"}), "columns customer_id and prediction"),
    ],
)  # fmt: skip
def test_each_broken_rule_is_named(tmp_path: Path, damage: object, expected: str) -> None:
    frame = damage(perfect(tmp_path))  # type: ignore[operator]
    finding = run("correctness.contract", context_with(tmp_path, frame))
    assert finding.status != "pass"
    assert expected in finding.message
    assert finding.evidence


def test_no_predictions_fail_with_the_predict_log(tmp_path: Path) -> None:
    stages = {"train": StageResult(verdict="ok"),
              "predict": StageResult(verdict="failed", reason="exited with code 1",
                                     log_tail="Traceback: KeyError 'tenure'")}  # fmt: skip
    context = make_context(NAIVE, stages=stages)
    contract = run("correctness.contract", context)
    assert contract.status == "fail" and "exited with code 1" in contract.message
    runs = run("correctness.runs", context)
    assert runs.score == 0.25 and "predict failed" in runs.message
    assert any("KeyError" in (e.excerpt or "") for e in runs.evidence)


def test_the_holdout_score_sits_between_baseline_and_references(tmp_path: Path) -> None:
    frame = perfect(tmp_path)
    context = context_with(tmp_path, frame, references={"naive": 0.65, "careful": 0.8})
    finding = run("correctness.holdout", context)
    assert finding.score == 1.0 and "roc_auc 1.000" in finding.message
    coin = frame.assign(probability=0.5)
    base = run("correctness.holdout", context_with(tmp_path, coin,
                                                   references={"careful": 0.8}))  # fmt: skip
    assert base.score == 0.0 and "trivial baseline 0.500" in base.message
    values = {e.excerpt: e.value for e in finding.evidence}
    assert values["careful reference"] == 0.8 and values["trivial baseline"] == 0.5


def test_the_baseline_is_the_training_prior() -> None:
    context = make_context(NAIVE)
    assert context.holdout is not None
    assert load_holdout(context.challenge).labels.shape[0] == context.holdout.labels.shape[0]
