"""`correctness.holdout` on the scale trivial baseline -> naive reference -> careful reference,
and the correctness dimension it dominates: real predictions, made to score where a test
wants them on the rows the headline score is measured on, graded through each rubric."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from harness.challenges.catalog import load_catalog
from harness.challenges.reference_scores import read_reference_scores
from harness.checks import REGISTRY, known_check_ids
from harness.checks.context import CheckContext
from harness.holdout import baseline_predictions
from harness.metrics import Metric, metric
from harness.models import Finding
from harness.rubric import load_rubric
from harness.scoring import score_dimensions
from tests.checks.cases import CHALLENGES
from tests.checks.contexts import make_context

CORRECTNESS = ("correctness.runs", "correctness.contract", "correctness.holdout")


def _context(challenge_id: str, predictions: Path, **overrides: Any) -> CheckContext:
    root = load_catalog().get(challenge_id).reference("naive")
    return make_context(root, predictions_file=predictions, **overrides)


def _recorded(challenge_id: str) -> dict[str, float]:
    scores = read_reference_scores(load_catalog().get(challenge_id))
    assert scores.get("naive") is not None and scores.get("careful") is not None
    return {name: float(value) for name, value in scores.items() if value is not None}


def _truth_and_noise(context: CheckContext) -> tuple[pd.Series, pd.Series]:
    """The truth on every holdout input row (the baseline where unlabelled) and a fixed
    uninformative prediction: random scores (classification) or the baseline's value."""
    assert context.holdout is not None
    ids = pd.read_csv(context.holdout.features, dtype=str)[context.challenge.id_column]
    base = baseline_predictions(context.challenge, context.holdout)
    column = "probability" if context.challenge.probability else "prediction"
    fallback = float(base[column].iloc[0])
    truth = context.holdout.labels["target"].astype(float).reindex(ids).fillna(fallback)
    if context.challenge.probability:
        noise = np.random.default_rng(11).random(len(ids))
    else:
        noise = np.full(len(ids), fallback)
    return truth.set_axis(ids), pd.Series(noise, index=ids)


def _write(context: CheckContext, values: pd.Series, path: Path) -> Path:
    """A predictions file honouring the contract, with these scores (or values)."""
    frame = pd.DataFrame({context.challenge.id_column: values.index})
    if context.challenge.probability:
        labels = sorted(context.challenge.labels, key=str)
        frame["prediction"] = np.where(values.to_numpy() >= 0.5, labels[-1], labels[0])
        frame["probability"] = values.clip(0, 1).to_numpy()
    else:
        frame["prediction"] = values.to_numpy()
    frame.to_csv(path, index=False)
    return path


def _blend(context: CheckContext, weight: float) -> pd.Series:
    truth, noise = _truth_and_noise(context)
    return weight * truth + (1 - weight) * noise


def _headline(context: CheckContext, values: pd.Series, path: Path) -> float:
    scored = _context(context.challenge.id, _write(context, values, path))
    assert scored.holdout_score is not None
    return scored.holdout_score


def predictions_scoring(challenge_id: str, target: float, path: Path) -> CheckContext:
    """A context whose predictions score `target` (to about 0.1% of the scale) on the rows
    the headline metric is measured on: truth blended with noise, the blend bisected."""
    probe = _context(challenge_id, path)
    scorer = metric(probe.holdout_metric)
    low, high = 0.0, 1.0
    for _ in range(20):
        middle = (low + high) / 2
        score = _headline(probe, _blend(probe, middle), path)
        if scorer.worse_by(score, than=target) > 0:
            low = middle
        else:
            high = middle
    _write(probe, _blend(probe, (low + high) / 2), path)
    return _context(challenge_id, path, references=_recorded(challenge_id))


def correctness(challenge_id: str, context: CheckContext) -> tuple[float, Finding]:
    """The correctness dimension through the challenge's rubric, and the holdout finding."""
    challenge = load_catalog().get(challenge_id)
    rubric = load_rubric(challenge.rubric_path, known_check_ids())
    found = [REGISTRY[check].run(context) for check in CORRECTNESS]
    score = score_dimensions(rubric, found)["correctness"].score
    assert score is not None
    return score, found[-1]


def _between(scorer: Metric, low: float, high: float, share: float) -> float:
    """The value `share` of the way from `low` to `high` (either direction of better)."""
    return low + share * (high - low) if scorer.higher_is_better else low - share * (low - high)


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_a_base_rate_model_scores_low_on_correctness(challenge: str, tmp_path: Path) -> None:
    probe = _context(challenge, tmp_path / "p.csv")
    assert probe.holdout is not None
    base = baseline_predictions(probe.challenge, probe.holdout)
    column = "probability" if probe.challenge.probability else "prediction"
    ids = pd.read_csv(probe.holdout.features, dtype=str)[probe.challenge.id_column]
    constant = pd.Series(float(base[column].iloc[0]), index=ids)
    path = _write(probe, constant, tmp_path / "predictions.csv")
    context = _context(challenge, path, references=_recorded(challenge))
    score, found = correctness(challenge, context)
    assert REGISTRY["correctness.contract"].run(context).score == 1.0
    assert found.score == 0.0 and "no better than the trivial baseline" in found.message
    assert score <= 0.25, score


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_a_model_between_naive_and_careful_lands_between(challenge: str, tmp_path: Path) -> None:
    recorded = _recorded(challenge)
    scorer = metric(load_catalog().get(challenge).metrics[0])
    target = _between(scorer, recorded["naive"], recorded["careful"], 0.5)
    score, found = correctness(challenge, predictions_scoring(challenge, target, tmp_path / "p"))
    assert found.score is not None and 0.7 <= found.score <= 0.8, found.message
    assert "between the naive and careful references" in found.message
    assert 0.6 < score < 1.0, score


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_worse_than_the_naive_reference_cannot_look_correct(challenge: str, tmp_path: Path) -> None:
    """The complaint: models worse than the naive reference scored 0.83-0.96 on correctness."""
    recorded = _recorded(challenge)
    scorer = metric(load_catalog().get(challenge).metrics[0])
    base = _context(challenge, tmp_path / "p").baseline_score
    assert base is not None
    target = _between(scorer, base, recorded["naive"], 0.9)
    score, found = correctness(challenge, predictions_scoring(challenge, target, tmp_path / "p"))
    assert found.score is not None and 0.4 <= found.score <= 0.5, found.message
    assert "between the trivial baseline and the naive reference" in found.message
    assert score <= 0.6, score
    assert found.status == "partial" and found.score < 0.83


def test_the_score_is_piecewise_linear_on_the_scale(tmp_path: Path) -> None:
    challenge = "equipment-resale"  # MAE: linear in the blend, lower is better
    recorded = _recorded(challenge)
    scorer = metric("mae")
    for share, expected in ((0.25, 0.625), (0.75, 0.875)):
        target = _between(scorer, recorded["naive"], recorded["careful"], share)
        found = REGISTRY["correctness.holdout"].run(
            predictions_scoring(challenge, target, tmp_path / "p.csv")
        )
        assert found.score == pytest.approx(expected, abs=0.01), found.message


def test_the_headline_is_measured_on_the_slice_the_trap_makes_honest(tmp_path: Path) -> None:
    """Perfect on the rows the trap flatters, uninformative on the honest ones: no credit."""
    challenge = next(c for c in CHALLENGES if _primary(c))
    probe = _context(challenge, tmp_path / "p.csv")
    assert probe.holdout is not None and probe.trap is not None
    truth, noise = _truth_and_noise(probe)
    honest = probe.holdout.slice_ids(probe.trap.primary_slice)
    values = truth.where(~truth.index.isin(honest), noise)
    path = _write(probe, values, tmp_path / "predictions.csv")
    found = REGISTRY["correctness.holdout"].run(
        _context(challenge, path, references=_recorded(challenge))
    )
    assert found.score is not None and found.score < 0.1, found.message


def _primary(challenge_id: str) -> str | None:
    probe = make_context(load_catalog().get(challenge_id).reference("naive"))
    return probe.trap.primary_slice if probe.trap else None


@pytest.mark.parametrize(
    ("references", "placement"),
    [
        ({"naive": 0.99, "careful": 0.8}, "the scale runs from one to the other"),
        ({"careful": 0.8}, "between the trivial baseline and the careful reference"),
        ({}, "halfway to a perfect score"),
    ],
)
def test_without_a_naive_reference_between_the_scale_is_baseline_to_top(
    tmp_path: Path, references: Mapping[str, float], placement: str
) -> None:
    """The naive reference above the careful one on these rows (the trap does not show in
    the headline score), or none recorded: 0 at the baseline, 1 at the top, linear."""
    predictions_scoring("customer-churn", 0.65, tmp_path / "p.csv")
    context = _context("customer-churn", tmp_path / "p.csv", references=references)
    found = REGISTRY["correctness.holdout"].run(context)
    top = references.get("careful", 0.75)
    assert found.score == pytest.approx((0.65 - 0.5) / (top - 0.5), abs=0.01), found.message
    assert placement in found.message


def test_below_the_baseline_scores_zero(tmp_path: Path) -> None:
    context = predictions_scoring("customer-churn", 0.5, tmp_path / "p.csv")
    truth, _noise = _truth_and_noise(context)
    path = _write(context, 1 - truth, tmp_path / "inverted.csv")  # every ranking reversed
    found = REGISTRY["correctness.holdout"].run(
        _context("customer-churn", path, references=_recorded("customer-churn"))
    )
    assert found.score == 0.0 and "no better than the trivial baseline" in found.message
