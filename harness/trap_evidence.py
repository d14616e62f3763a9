"""The trap's evidence in numbers: slices, probes, the self-estimate, the code, the API's log.

Each measure is a value where higher means "leans on the trap", beside the threshold the
challenge calibrated on its references. These are the numbers `grade challenge validate`
prints and the data-judgment checks read; words in the write-up are judged separately and
never outweigh them.

Slices, probes and the estimate are read off the model's predictions, so they can show
something about the trap only when the model learned something: `measure_signal` measures
how far it beats a trivial model, and `with_signal` makes a measure "not measurable" below
the challenge's margin (a constant model scores alike on every slice and predicts both rows of
a probe pair alike without having avoided anything). What the model API received (`api_log`)
needs no signal: a card number sent to an outside provider is a fact, whatever the accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from harness.api_grading.redaction import read_redaction
from harness.api_grading.run import ModelApiRun
from harness.api_grading.trap_log import read_log
from harness.challenges.model import Challenge, EvidenceName, Trap
from harness.holdout import HoldoutKey, baseline_predictions, probe_gap, score_slice
from harness.metrics import find_metric, metric
from harness.models import Estimate
from harness.readers.code_marks import Mark, find_marks
from harness.readers.splits import SplitVerdict, read_group_split

CODE_THRESHOLD = 0.5
FROM_PREDICTIONS: tuple[EvidenceName, ...] = ("slices", "probes", "estimate")
"""The kinds read off the model's predictions: they need a model with signal."""


@dataclass(frozen=True)
class TrapMeasure:
    """One kind of trap evidence for one submission."""

    kind: EvidenceName
    value: float | None
    """Higher leans on the trap more; None when it could not be measured."""
    threshold: float
    detail: str
    """The numbers behind the value, in words."""
    marks: tuple[Mark, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    """For `api_log`: the request-log lines it rests on (line number, the line)."""
    applies: bool = True
    """For `api_log`: False when the service never called the API (the trap does not apply)."""

    @property
    def leaning(self) -> bool | None:
        """Whether the value says the model leans on the trap (None: unknown)."""
        return None if self.value is None else self.value > self.threshold


@dataclass(frozen=True)
class Signal:
    """Whether the model learned anything: its headline score on every labelled holdout row
    beside a trivial model's (the training prior or median) on the same rows."""

    metric: str
    model: float | None
    baseline: float | None
    margin: float

    @property
    def lift(self) -> float | None:
        """How much better than the trivial model (a fraction of its score where lower is
        better); None when either score could not be computed."""
        if self.model is None or self.baseline is None:
            return None
        scorer = metric(self.metric)
        lift = scorer.worse_by(self.baseline, than=self.model)
        return lift if scorer.higher_is_better else lift / max(abs(self.baseline), 1e-9)

    @property
    def carries(self) -> bool:
        """Whether the lift is past the challenge's margin."""
        return self.lift is not None and self.lift > self.margin

    @property
    def detail(self) -> str:
        if self.model is None or self.baseline is None or self.lift is None:
            return f"{self.metric} not computable against the trivial baseline"
        relative = "" if metric(self.metric).higher_is_better else "relative "
        scores = f"{self.metric} {self.model:.3f} against a trivial model's {self.baseline:.3f}"
        return f"{scores} on every labelled row: {relative}lift {self.lift:+.3f}"

    @property
    def reason(self) -> str:
        """Why the behaviour evidence is not measurable, when it is not."""
        return (f"the model does not beat the trivial baseline by {self.margin:g}: no signal "
                f"to lean on or not ({self.detail})")  # fmt: skip


def measure_signal(challenge: Challenge, trap: Trap, key: HoldoutKey,
                   predictions: pd.DataFrame | None) -> Signal:  # fmt: skip
    """The model's lift over a trivial one fitted on the challenge's training data (for a
    regenerated copy, pass a challenge whose folder is the copy)."""
    scorer = metric(challenge.metrics[0])
    margin = trap.signal.margin
    if predictions is None:
        return Signal(scorer.name, None, None, margin)
    model = score_slice(key, predictions, scorer, None).value
    trivial = score_slice(key, baseline_predictions(challenge, key), scorer, None).value
    return Signal(scorer.name, model, trivial, margin)


def with_signal(found: TrapMeasure, learned: Signal) -> TrapMeasure:
    """The measure as evidence of the trap: a value read off the predictions of a model
    without signal becomes not measurable, with the reason."""
    if found.kind not in FROM_PREDICTIONS or found.value is None or learned.carries:
        return found
    return TrapMeasure(found.kind, None, found.threshold, learned.reason)


@dataclass(frozen=True)
class Submitted:
    """What one submission gave: its predictions on the holdout, its estimate, its code."""

    predictions: pd.DataFrame | None
    estimate: Estimate | None
    code: Path
    api: ModelApiRun | None = None
    """What the challenge's model API saw (None: it gives none, or no stage ran)."""


def measure(kind: EvidenceName, challenge: Challenge, trap: Trap, key: HoldoutKey,
            submitted: Submitted) -> TrapMeasure:  # fmt: skip
    """The named kind of evidence; predictions that are missing make it unknown."""
    if kind == "api_log":
        return _api_log(trap, key, submitted.api)
    if kind == "code":
        return _code(trap, submitted.code)
    if kind == "writeup":
        return TrapMeasure(kind, None, CODE_THRESHOLD, "the write-up is read by its own check")
    if submitted.predictions is None:
        return TrapMeasure(kind, None, _threshold(trap, kind), "no predictions to measure")
    if kind == "slices":
        return _slices(trap, key, submitted.predictions)
    if kind == "probes":
        return _probes(challenge, trap, key, submitted.predictions)
    return _estimate(trap, key, submitted)


def _threshold(trap: Trap, kind: EvidenceName) -> float:
    spec = getattr(trap, kind, None)
    return float(spec.threshold) if spec is not None else CODE_THRESHOLD


def _slices(trap: Trap, key: HoldoutKey, predictions: pd.DataFrame) -> TrapMeasure:
    spec = trap.slices
    assert spec is not None  # load_trap refuses evidence without its section
    scorer = metric(spec.metric)
    base = score_slice(key, predictions, scorer, spec.baseline)
    against = score_slice(key, predictions, scorer, spec.against)
    if base.value is None or against.value is None:
        return TrapMeasure("slices", None, spec.threshold, f"{spec.metric} not computable")
    gap = scorer.worse_by(against.value, than=base.value)
    if spec.relative:
        gap /= max(abs(base.value), 1e-9)
    detail = (f"{spec.metric} {base.value:.3f} on {spec.baseline}, {against.value:.3f} on "
              f"{spec.against}: {'relative ' if spec.relative else ''}gap {gap:+.3f}")  # fmt: skip
    return TrapMeasure("slices", gap, spec.threshold, detail)


def _probes(challenge: Challenge, trap: Trap, key: HoldoutKey,
            predictions: pd.DataFrame) -> TrapMeasure:  # fmt: skip
    assert trap.probes is not None
    gap = probe_gap(key, predictions, challenge)
    pairs = key.probes["pair"].nunique()
    unit = "probability" if challenge.probability else "relative prediction"
    detail = f"mean {unit} difference within {pairs} probe pairs: " + (
        "not computable" if gap is None else f"{gap:.3f}"
    )
    return TrapMeasure("probes", gap, trap.probes.threshold, detail)


def _estimate(trap: Trap, key: HoldoutKey, submitted: Submitted) -> TrapMeasure:
    assert trap.estimate is not None
    threshold = trap.estimate.threshold
    claimed = submitted.estimate
    scorer = find_metric(claimed.metric) if claimed else None
    if claimed is None or scorer is None or submitted.predictions is None:
        what = f"the metric {claimed.metric!r}" if claimed else "no estimate"
        return TrapMeasure("estimate", None, threshold, f"{what}: not one the harness computes")
    actual = score_slice(key, submitted.predictions, scorer, trap.primary_slice)
    if actual.value is None:
        return TrapMeasure("estimate", None, threshold, f"{scorer.name} not computable")
    optimism = scorer.worse_by(actual.value, than=claimed.value)
    if not scorer.higher_is_better:
        optimism /= max(abs(actual.value), 1e-9)
    detail = (f"claimed {scorer.name} {claimed.value:g}, measured {actual.value:.3f} on "
              f"{actual.slice}: optimism {optimism:+.3f}")  # fmt: skip
    return TrapMeasure("estimate", optimism, threshold, detail)


def _api_log(trap: Trap, key: HoldoutKey, api: ModelApiRun | None) -> TrapMeasure:
    """The planted personal data the model API received while the service predicted."""
    spec = trap.api_log
    assert spec is not None  # load_trap refuses evidence without its section
    found = read_log(api, key.features, spec.stages, spec.measure, spec.min_exposure)
    return TrapMeasure("api_log", found.value, spec.threshold, found.detail, lines=found.lines,
                       applies=found.applies)  # fmt: skip


REDACTION_VALUES = {"redacts": 0.0, "detects": 0.0, "no_redaction": 1.0, "no_api_call": None}


def _redaction(root: Path) -> TrapMeasure:
    """Personal data masked (or looked for, to keep it from the API) in code that calls a
    model API: 0 masked or looked for, 1 neither, None when the code calls no API (nothing
    to mask before a call)."""
    reading = read_redaction(root)
    where = "; ".join(f"{m.text} ({m.file}:{m.line})" for m in reading.marks[:3])
    detail = {
        "redacts": f"personal data masked in code: {where}",
        "detects": f"personal data looked for in code that calls a model API: {where}",
        "no_redaction": f"no masking of personal data in code that calls a model API: {where}",
        "no_api_call": "not measurable: the code calls no model API, nothing to mask before one",
    }[reading.verdict]
    value = REDACTION_VALUES[reading.verdict]
    return TrapMeasure("code", value, CODE_THRESHOLD, detail, reading.marks)


def _code(trap: Trap, root: Path) -> TrapMeasure:
    spec = trap.code
    if trap.api_log is not None and trap.api_log.code == "redaction" and "code" in trap.evidence:
        return _redaction(root)
    if spec.split == "group":
        return _group_split(trap, root)
    marks = find_marks(root, set(spec.names), set())
    value = 0.0 if marks else 1.0
    wanted = ", ".join(spec.names) or "nothing"
    detail = (f"uses {', '.join(sorted({m.text for m in marks}))}" if marks
              else f"none of {wanted} in the code")  # fmt: skip
    return TrapMeasure("code", value, CODE_THRESHOLD, detail, tuple(marks))


SPLIT_VALUES: dict[SplitVerdict, float | None] = {
    "group_aware": 0.0,
    "not_group_aware": 1.0,
    "unclear": None,
}


def _group_split(trap: Trap, root: Path) -> TrapMeasure:
    """A split that keeps each group on one side, read from what the code does with the
    group columns: 0 group-aware, 1 a split over rows only, None nothing recognised."""
    spec = trap.code
    reading = read_group_split(root, spec.columns, spec.names)
    marks = tuple(Mark(e.rule, e.file, e.line, e.snippet) for e in reading.deciding)
    where = "; ".join(f"{e.rule} ({e.file}:{e.line})" for e in reading.deciding[:3])
    followed = ", ".join(spec.columns) or "no column"
    detail = {
        "group_aware": f"group-aware split: {where}",
        "not_group_aware": f"no group-aware split: {where}",
        "unclear": f"not measurable: no split recognised in code (followed {followed})",
    }[reading.verdict]
    return TrapMeasure("code", SPLIT_VALUES[reading.verdict], CODE_THRESHOLD, detail, marks)
