"""The report's view model: everything the page shows, built from a `Result` as plain data.

The templates get only this: strings, numbers, booleans and tuples of small frozen records.
They never call back into the harness, and nothing here is marked safe: text that came from
a submission reaches the page through jinja2's autoescape like any other string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.models import (
    DIMENSION_NAMES,
    STAGE_NAMES,
    Criterion,
    DimensionName,
    DimensionScore,
    Evidence,
    Finding,
    Result,
)
from harness.report.evidence import EvidenceView, MetricsView, evidence_view, metrics_view
from harness.report.formats import PRIORITY, Score, number, words
from harness.report.reviewed import Beside, Mark, ReviewView, review_view
from harness.report.sections import (
    FollowupView,
    ProvenanceView,
    StageView,
    TrapView,
    followup_view,
    provenance_view,
    stage_view,
    trap_view,
)
from harness.report.similar import SimilarityView

DIMENSIONS: Mapping[DimensionName, tuple[str, str]] = {
    "correctness": ("Correctness", "Does it run, and how good is it on data it never saw?"),
    "code_quality": ("Code quality", "Could a team maintain this, or is it one long script?"),
    "deployment": ("Deployment thinking", "How is it served, monitored, and how does it fail?"),
    "data_judgment": ("Data judgment", "Did they notice the hidden data problem, and handle it?"),
    "communication": ("Communication", "Could a product manager read the write-up?"),
}
CHECK_TITLES: Mapping[str, str] = {
    "correctness.runs": "Train and predict run",
    "correctness.contract": "Predictions follow the contract",
    "correctness.holdout": "Score on the hidden holdout",
    "code.lint": "Lint",
    "code.complexity": "Complexity",
    "code.structure": "Structure",
    "code.typing": "Type hints",
    "code.tests": "Their tests",
    "code.notebooks": "Notebooks",
    "code.hygiene": "Hygiene: paths, pins, secrets",
    "code.readable": "Files the harness could not read",
    "deploy.dockerfile": "Dockerfile",
    "deploy.serving": "Serving code",
    "deploy.probe": "Live probe of their service",
    "deploy.validation": "Input validation",
    "deploy.artifacts": "Model artefacts",
    "deploy.operations": "Monitoring and operations",
    "trap.behaviour": "Trap: how the model behaves on new data",
    "trap.estimate": "Trap: their estimate against our measurement",
    "trap.code": "Trap: what the code does",
    "trap.writeup": "Trap: what the write-up says",
    "judgment.validation": "Validation scheme",
    "judgment.assumptions": "Assumptions stated",
    "comms.structure": "Write-up structure",
    "comms.length": "Write-up length",
    "comms.claims": "Claims against measurements",
    "comms.readable": "What the write-up lost in reading",
    "api.retry_after": "Model API: Retry-After honoured",
    "api.backoff": "Model API: retries bounded, with backoff",
    "api.timeout": "Model API: a stalled call abandoned",
    "api.degradation": "Model API: a fallback when it fails",
    "api.concurrency": "Model API: within the rate limit",
    "api.cost": "Model API: cost against the budget",
    "api.cache": "Model API: identical tickets paid once",
    "api.model_choice": "Model API: the cheap model where it suffices",
    "api.personal_data": "Model API: no personal data sent",
}
STATUS_LABELS = {
    "pass": "pass",
    "partial": "partial",
    "fail": "fail",
    "skipped": "not applicable",
    "error": "check crashed",
}
MAX_FLAGS = 6


def check_title(check: str) -> str:
    """A check's name for a reader; an id the report does not know is shown as it is."""
    return CHECK_TITLES.get(check, check)


def finding_anchor(index: int, finding: Finding) -> str:
    return f"finding-{index + 1}-{finding.check.replace('.', '-').replace('_', '-')}"


@dataclass(frozen=True)
class Bar:
    """One dimension in the header's chart; the bar's width is the score out of 100."""

    label: str
    anchor: str
    score: Score


@dataclass(frozen=True)
class Flag:
    text: str
    anchor: str


@dataclass(frozen=True)
class FindingView:
    anchor: str
    check: str
    title: str
    status: str
    status_label: str
    score: Score
    message: str
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class CriterionView:
    id: str
    title: str
    weight: str
    score: Score
    automatic: bool
    level: str
    interviewer: Mark | None = None
    """The interviewer's own level, from review.toml; shown beside, never mixed in."""


@dataclass(frozen=True)
class DimensionView:
    name: str
    anchor: str
    label: str
    asks: str
    score: Score
    criteria: tuple[CriterionView, ...]
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class ReportView:
    """The whole page."""

    title: str
    candidate: str
    challenge: str
    graded: str
    harness_version: str
    local_backend: bool
    bars: tuple[Bar, ...]
    trap: TrapView
    automatic: int
    for_interviewer: tuple[str, ...]
    green: tuple[Flag, ...]
    red: tuple[Flag, ...]
    more_green: int
    more_red: int
    dimensions: tuple[DimensionView, ...]
    metrics: MetricsView
    stages: tuple[StageView, ...]
    followup: FollowupView
    provenance: ProvenanceView
    review: ReviewView | None = None
    """The interviewer's review beside the result, if any: its own section and column."""
    similarity: SimilarityView | None = None
    """The cohort's similarity beside the result, if any: a question, never a score."""


def build_view(result: Result, beside: Beside | None = None) -> ReportView:
    """The view of one result, with what was found beside it (`review.toml`,
    `similarity.json`); deterministic, and independent of the clock."""
    beside = beside or Beside()
    review = review_view(beside, result, {n: label for n, (label, _) in DIMENSIONS.items()})
    marks = review.marks if review is not None else {}
    findings = tuple(_finding(i, f, result) for i, f in enumerate(result.findings))
    dimensions = tuple(_dimension(name, result, findings, marks) for name in DIMENSION_NAMES)
    green, red = _flags(result, findings)
    automatic, manual = _criteria_split(result)
    candidate = result.submission.candidate or result.submission.file
    challenge = f"{result.challenge.id} (version {result.challenge.version})"
    return ReportView(
        title=f"{candidate} · {result.challenge.id} · grade report",
        candidate=candidate,
        challenge=challenge,
        graded=provenance_view(result).graded,
        harness_version=result.provenance.harness_version,
        local_backend=result.provenance.backend == "local",
        bars=tuple(Bar(d.label, d.anchor, d.score) for d in dimensions),
        trap=trap_view(result, findings_by_check(result)),
        automatic=automatic,
        for_interviewer=manual,
        green=green[:MAX_FLAGS],
        red=red[:MAX_FLAGS],
        more_green=max(0, len(green) - MAX_FLAGS),
        more_red=max(0, len(red) - MAX_FLAGS),
        dimensions=dimensions,
        metrics=metrics_view(result.metrics),
        stages=tuple(stage_view(n, result.stages[n]) for n in STAGE_NAMES if n in result.stages),
        followup=followup_view(result, _evidence_sources(result)),
        provenance=provenance_view(result),
        review=review,
        similarity=beside.similarity,
    )


def findings_by_check(result: Result) -> dict[str, tuple[str, Finding]]:
    """The first finding of each check id, with its anchor."""
    first: dict[str, tuple[str, Finding]] = {}
    for index, finding in enumerate(result.findings):
        first.setdefault(finding.check, (finding_anchor(index, finding), finding))
    return first


def _evidence_sources(result: Result) -> dict[Evidence, tuple[str, str]]:
    """Each piece of evidence mapped to the (anchor, check id) of the finding that holds it."""
    sources: dict[Evidence, tuple[str, str]] = {}
    for index, finding in enumerate(result.findings):
        for evidence in finding.evidence:
            sources.setdefault(evidence, (finding_anchor(index, finding), finding.check))
    return sources


def _finding(index: int, finding: Finding, result: Result) -> FindingView:
    return FindingView(
        anchor=finding_anchor(index, finding),
        check=finding.check,
        title=check_title(finding.check),
        status=finding.status,
        status_label=STATUS_LABELS[finding.status],
        score=Score.of(finding.score),
        message=finding.message,
        evidence=tuple(evidence_view(e, result.metrics, finding.check) for e in finding.evidence),
    )


def _dimension(
    name: DimensionName,
    result: Result,
    findings: tuple[FindingView, ...],
    marks: Mapping[tuple[str, str], Mark],
) -> DimensionView:
    score = result.dimensions.get(name, DimensionScore())
    label, asks = DIMENSIONS[name]
    mine = [f for f, raw in zip(findings, result.findings, strict=True) if raw.dimension == name]
    return DimensionView(
        name=name,
        anchor=f"dimension-{name.replace('_', '-')}",
        label=label,
        asks=asks,
        score=Score.of(score.score),
        criteria=tuple(_criterion(c, marks.get((name, c.id))) for c in score.criteria),
        findings=tuple(mine),
    )


def _criterion(criterion: Criterion, mark: Mark | None = None) -> CriterionView:
    return CriterionView(
        id=criterion.id,
        title=criterion.title or words(criterion.id),
        weight=number(criterion.weight) if criterion.weight % 1 else f"{criterion.weight:.0f}",
        score=Score.of(criterion.score),
        automatic=criterion.automatic,
        level=criterion.level or "",
        interviewer=mark,
    )


def _criteria_split(result: Result) -> tuple[int, tuple[str, ...]]:
    """How many criteria the harness scored, and the ones left to the interviewer."""
    automatic, manual = 0, []
    for name in DIMENSION_NAMES:
        for criterion in result.dimensions.get(name, DimensionScore()).criteria:
            if criterion.automatic:
                automatic += 1
            else:
                manual.append(f"{DIMENSIONS[name][0]}: {criterion.title or words(criterion.id)}")
    return automatic, tuple(manual)


def _flags(
    result: Result, findings: tuple[FindingView, ...]
) -> tuple[tuple[Flag, ...], tuple[Flag, ...]]:
    """Green and red flags, one line each: the trap, a broken stage, then the findings."""
    green, red = _trap_flags(result)
    red += _stage_flags(result)
    good: list[tuple[Finding, FindingView]] = []
    bad: list[tuple[Finding, FindingView]] = []
    for raw, view in zip(result.findings, findings, strict=True):
        if (green or red) and raw.check.startswith("trap."):
            continue  # the trap's flag sums up the trap's own findings
        if view.status == "pass" and view.score.band in ("good", "none"):
            good.append((raw, view))
        elif view.status == "fail" or (view.status == "partial" and view.score.band == "poor"):
            bad.append((raw, view))
    green += [_flag(view) for view in _round_robin(good, best_first=True)]
    red += [_flag(view) for view in _round_robin(bad, best_first=False)]
    return tuple(green), tuple(red)


def _flag(view: FindingView) -> Flag:
    return Flag(f"{view.title}: {view.message}", view.anchor)


def _round_robin(pairs: list[tuple[Finding, FindingView]], best_first: bool) -> list[FindingView]:
    """The strongest flag of each dimension, then the second of each...: a few flags cover
    the whole submission; the dimensions that matter most to a reader go first."""
    sign = -1 if best_first else 1
    ordered = sorted(pairs, key=lambda pair: sign * (pair[0].score or 0.0))
    seen: dict[DimensionName, int] = {}
    keyed = []
    for raw, view in ordered:
        seen[raw.dimension] = seen.get(raw.dimension, 0) + 1
        keyed.append(((seen[raw.dimension], PRIORITY[raw.dimension]), view))
    return [view for _, view in sorted(keyed, key=lambda pair: pair[0])]


def _trap_flags(result: Result) -> tuple[list[Flag], list[Flag]]:
    trap = result.trap
    what = trap.title or "the hidden data problem"
    if trap.verdict == "handled":
        return [Flag(f"Trap handled: {what}", "trap")], []
    if trap.verdict == "missed":
        return [], [Flag(f"Trap missed: {what}", "trap")]
    if trap.verdict == "noticed_not_handled":
        return [], [Flag(f"Trap noticed, not handled: {what}", "trap")]
    return [], []


def _stage_flags(result: Result) -> list[Flag]:
    return [
        Flag(f"{name} stage: {words(stage.verdict)}. {stage.reason}", f"stage-{name}")
        for name, stage in result.stages.items()
        if stage.verdict not in ("ok", "not_run")
    ]
