"""Correctness: does it run under the contract, and how good is it on data it never saw."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded, skipped
from harness.metrics import Metric, metric
from harness.models import Evidence, StageName
from harness.readers.predictions import read_ids

RUN_STAGES: tuple[StageName, ...] = ("train", "predict")
STAGE_SCORES = {("ok", "ok"): 1.0, ("ok", "invalid_output"): 0.5}
"""(train, predict) verdicts and what they earn; anything else that trained earns 0.25."""


@check("correctness.runs", dimension="correctness", title="Train and predict run")
def runs(context: CheckContext) -> Judgement:
    """Looks at the `train` and `predict` stages of the sandbox run: their verdicts, how
    long they took and the peak memory beside the limits.

    Why: a submission that does not run under the contract cannot be judged on anything
    else, and one that needs most of its time or memory limit will not survive real data.

    Evidence: each stage's verdict and duration as numbers; the log's end of a stage that
    did not succeed.
    """
    train, predict = context.stage("train"), context.stage("predict")
    pair = (train.verdict, predict.verdict)
    score = STAGE_SCORES.get(pair, 0.25 if train.verdict == "ok" else 0.0)
    found = [_stage_metric(context, name) for name in RUN_STAGES]
    found += [
        evidence.log(context, name)
        for name in RUN_STAGES
        if context.stage(name).verdict not in ("ok", "not_run")
    ]
    if score == 1.0:
        message = (
            f"train ({_took(train.duration_s)}) and predict "
            f"({_took(predict.duration_s)}) ran under the contract"
        )
    else:
        message = f"train {train.verdict}, predict {predict.verdict}: " + (
            predict.reason if train.verdict == "ok" else train.reason
        )
    return graded(score, message, *found)


def _stage_metric(context: CheckContext, name: StageName) -> Evidence:
    stage = context.stage(name)
    memory = f", peak {stage.peak_memory_mb:.0f} MB" if stage.peak_memory_mb else ""
    return evidence.metric(f"{name} seconds", stage.duration_s, f"{name}: {stage.verdict}{memory}")


def _took(seconds: float | None) -> str:
    return "time unknown" if seconds is None else f"{seconds:.1f} s"


@check("correctness.contract", dimension="correctness", title="Predictions honour the contract")
def contract(context: CheckContext) -> Judgement:
    """Looks at the predictions file `predict` wrote on the hidden holdout features: every
    input id exactly once, no unknown ids, no missing values, `prediction` of the right type
    (one of the challenge's labels, or a finite number), `probability` in [0, 1] where the
    challenge asks for it.

    Why: a model whose output a downstream system cannot consume is not done, however good
    its score; the brief states this contract in plain words.

    Evidence: each problem with a count and examples of the offending ids or values.
    """
    raw = context.raw_predictions
    if raw is None:
        why = context.stage("predict").reason or "no predictions file"
        return graded(0.0, f"no readable predictions: {why}", evidence.log(context, "predict"))
    problems = _contract_problems(context, raw)
    if not problems:
        return graded(
            1.0,
            f"{len(raw)} predictions, every id once, values as the contract asks",
            evidence.metric("rows", float(len(raw))),
        )
    proof = tuple(evidence.text(problem, "predictions.csv") for problem in problems)
    return graded(max(0.0, 0.6 - 0.2 * (len(problems) - 1)), "; ".join(problems), *proof)


def _contract_problems(context: CheckContext, raw: pd.DataFrame) -> list[str]:
    id_column = context.challenge.id_column
    if id_column not in raw or "prediction" not in raw:
        return [f"the columns {id_column} and prediction are required; found {list(raw)[:6]}"]
    read = context.predictions_read
    problems = _id_problems(context, raw[id_column])
    non_finite = read.non_finite_problem() if read else None
    problems += [non_finite] if non_finite else []
    finite = read.finite_text() if read else raw
    problems += _value_problems(context, finite["prediction"], "prediction")
    if context.challenge.probability:
        problems += _probability_problems(finite.get("probability"))
    return problems


def _id_problems(context: CheckContext, ids: pd.Series) -> list[str]:
    if context.holdout is None:
        return []
    expected = set(read_ids(context.holdout.features, context.challenge.id_column))
    seen = ids.astype(str)
    problems = []
    repeated = seen[seen.duplicated()].unique()
    missing, unknown = sorted(expected - set(seen)), sorted(set(seen) - expected)
    for count, what, examples in (
        (len(repeated), "ids repeated", list(repeated)),
        (len(missing), "input ids missing", missing),
        (len(unknown), "ids not in the input", unknown),
    ):
        if count:
            problems.append(f"{count} {what} (e.g. {', '.join(map(str, examples[:3]))})")
    return problems


def _value_problems(context: CheckContext, values: pd.Series, column: str) -> list[str]:
    blank = values.str.strip().isin(["", "nan", "NaN", "None", "null"])
    problems = [f"{int(blank.sum())} empty or NaN {column} values"] if blank.any() else []
    given = values[~blank]
    if context.challenge.task == "classification":
        allowed = {str(label) for label in context.challenge.labels}
        normal = given.map(_label_text)
        bad = given[~normal.isin(allowed)]
        if len(bad):
            problems.append(
                f"{len(bad)} {column} values outside {sorted(allowed)} "
                f"(e.g. {', '.join(bad.unique()[:3])})"
            )
    else:
        numbers = pd.to_numeric(given, errors="coerce")
        bad = given[numbers.isna() | ~numbers.map(_finite)]
        if len(bad):
            problems.append(
                f"{len(bad)} {column} values are not finite numbers "
                f"(e.g. {', '.join(bad.unique()[:3])})"
            )
    return problems


def _label_text(value: str) -> str:
    """`1`, `1.0` and ` 1 ` are the label 1."""
    try:
        number = float(value)
    except ValueError:
        return value.strip()
    return str(int(number)) if number.is_integer() else value.strip()


def _finite(value: float) -> bool:
    return isinstance(value, float | int) and math.isfinite(value)


def _probability_problems(values: pd.Series | None) -> list[str]:
    if values is None:
        return ["no probability column, which this challenge asks for"]
    numbers = pd.to_numeric(values, errors="coerce")
    bad = int((numbers.isna() | (numbers < 0) | (numbers > 1)).sum())
    return [f"{bad} probability values missing or outside [0, 1]"] if bad else []


@check("correctness.holdout", dimension="correctness", title="Quality on the hidden holdout")
def holdout(context: CheckContext) -> Judgement:
    """Looks at the challenge's headline metric on the hidden holdout rows (the honest ones
    where the trap is switched off as at prediction time: the trap's primary slice, every
    labelled row without one), beside a trivial baseline (the training prior or median,
    from scikit-learn's dummy models) and the challenge's naive and careful references'
    recorded scores on the same rows.

    Why: the score on data the candidate never saw is the only one that predicts how the
    model does in production; the baseline and the references say what the number means.
    Running is not enough: a model no better than the naive reference is not a good model.
    Score, on the scale baseline -> naive -> careful: 0 at the baseline or below, 0.5 at
    the naive reference, 1 at the careful reference or above, linear in between. When the
    naive reference is not between the two (it scores above the careful one on these rows,
    or below the baseline), the scale runs from the baseline (0) to the careful reference
    (1); without a careful reference, to halfway between the baseline and a perfect score.

    Evidence: the holdout score, the baseline's and each reference's, as numbers.
    """
    if context.holdout is None:
        return skipped(
            "no private holdout for this challenge here",
            evidence.text("the challenge's private/holdout is absent"),
        )
    scorer = metric(context.holdout_metric)
    base = context.baseline_score
    score = context.holdout_score
    if score is None:
        return graded(
            0.0,
            f"no {scorer.name} on the holdout: no usable predictions",
            evidence.metric(f"baseline {scorer.name}", base),
        )
    found = [
        evidence.metric(f"holdout {scorer.name}", score, f"holdout {scorer.name}"),
        evidence.metric(f"baseline {scorer.name}", base, "trivial baseline"),
    ]
    found += [
        evidence.metric(f"{name} reference {scorer.name}", value, f"{name} reference")
        for name, value in sorted(context.references.items())
        if value is not None
    ]
    if base is None:
        return graded(0.5, f"{scorer.name} {score:.3f} on the holdout; no baseline", *found)
    scale = holdout_scale(scorer, base, context.references)
    message = _holdout_message(scorer, score, scale, context.references.get("naive"))
    return graded(_relative(scorer, score, scale), message, *found)


NAIVE_POINTS = 0.5
"""What a holdout score equal to the naive reference's earns."""


@dataclass(frozen=True)
class Anchor:
    """A point of the holdout scale: a metric value and what it earns."""

    label: str
    value: float
    points: float


def holdout_scale(
    scorer: Metric, base: float, references: Mapping[str, float | None]
) -> tuple[Anchor, ...]:
    """The anchors from worst to best: the trivial baseline (0), the naive reference (0.5)
    when it lies between the baseline and the top, and the top (1): the careful reference,
    or halfway from the baseline to a perfect score when there is no careful one above it."""
    careful, naive = references.get("careful"), references.get("naive")
    if careful is not None and scorer.worse_by(base, than=careful) > 0:
        top = Anchor("the careful reference", careful, 1.0)
    else:
        top = Anchor("halfway to a perfect score", _halfway_to_perfect(scorer, base), 1.0)
    anchors = [Anchor("the trivial baseline", base, 0.0)]
    if naive is not None and _inside(scorer, naive, base, top.value):
        anchors.append(Anchor("the naive reference", naive, NAIVE_POINTS))
    return (*anchors, top)


def _inside(scorer: Metric, value: float, low: float, high: float) -> bool:
    """Strictly better than `low` and strictly worse than `high`."""
    return scorer.worse_by(low, than=value) > 0 and scorer.worse_by(value, than=high) > 0


def _halfway_to_perfect(scorer: Metric, base: float) -> float:
    """Halfway from the baseline to 1 (higher is better) or to 0 (an error metric)."""
    return (base + 1.0) / 2 if scorer.higher_is_better else base / 2


def _goodness(scorer: Metric, value: float) -> float:
    """The value on an axis where higher is better."""
    return value if scorer.higher_is_better else -value


def _relative(scorer: Metric, score: float, scale: tuple[Anchor, ...]) -> float:
    """Piecewise linear between the anchors; 0 below the first, 1 above the last."""
    axis = [_goodness(scorer, anchor.value) for anchor in scale]
    if axis[-1] <= axis[0]:
        return 1.0 if _goodness(scorer, score) >= axis[-1] else 0.0
    points = [anchor.points for anchor in scale]
    return float(np.interp(_goodness(scorer, score), axis, points))


def _holdout_message(
    scorer: Metric, score: float, scale: tuple[Anchor, ...], naive: float | None
) -> str:
    """The score and where it lies on the scale, e.g. "between the naive and careful
    references", and why a recorded naive score is not on it."""
    decimals = 3 if max(abs(a.value) for a in (*scale, Anchor("", score, 0))) < 100 else 1
    shown = ", ".join(f"{a.label.removeprefix('the ')} {a.value:.{decimals}f}" for a in scale)
    where = _placement(scorer, score, scale)
    text = f"{scorer.name} {score:.{decimals}f} on the holdout, {where} ({shown})"
    if naive is not None and all(a.label != "the naive reference" for a in scale):
        text += (
            f"; the naive reference's {naive:.{decimals}f} is not between the baseline and "
            f"{scale[-1].label} on these rows, so the scale runs from one to the other"
        )
    return text


def _placement(scorer: Metric, score: float, scale: tuple[Anchor, ...]) -> str:
    here = _goodness(scorer, score)
    axis = [_goodness(scorer, anchor.value) for anchor in scale]
    if here <= axis[0]:
        return f"no better than {scale[0].label}"
    if here >= axis[-1]:
        return f"at or better than {scale[-1].label}"
    upper = next(i for i, value in enumerate(axis) if here <= value)
    if math.isclose(here, axis[upper], rel_tol=1e-9):
        return f"at {scale[upper].label}"
    low, high = scale[upper - 1].label, scale[upper].label
    if low.endswith(" reference") and high.endswith(" reference"):
        return f"between {low.removesuffix(' reference')} and {high.removeprefix('the ')}s"
    return f"between {low} and {high}"
