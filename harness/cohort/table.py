"""The cohort's table model: a row per submission, the columns every row shares.

Plain data built from results only; the page and the CSV files both read this, so they always
agree. Scores stay in [0, 1] as in `result.json`; the total is the mean of the dimensions that
could be scored (the rubric weighs criteria inside a dimension, never dimensions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.models import DIMENSION_NAMES, DimensionName, DimensionScore, Finding, Result
from harness.report.formats import words
from harness.report.view import finding_anchor

SORT_KEYS: tuple[str, ...] = ("name", "total", *DIMENSION_NAMES)
STATUS_ORDER = ("fail", "partial", "pass", "error", "skipped")
"""A check with several findings in one submission counts as its worst scored status."""


@dataclass(frozen=True)
class CriterionColumn:
    dimension: DimensionName
    id: str
    title: str
    weight: float

    @property
    def key(self) -> str:
        return f"{self.dimension}.{self.id}"


@dataclass(frozen=True)
class InterviewerScores:
    """What the interviewer recorded in `review.toml`, kept apart from the harness's scores."""

    reviewer: str
    reviewed: str
    criteria: Mapping[str, float | None]
    """By `dimension.criterion`: only those the interviewer filled in."""
    dimensions: Mapping[str, float | None]
    """The interviewer's own score of each dimension (`review_scores`)."""


@dataclass(frozen=True)
class Similar:
    """Another side this submission's code overlaps with, above the threshold."""

    other: str
    """The other row's label, or `reference:<name>`."""
    other_name: str
    score: float


@dataclass(frozen=True)
class Row:
    """One submission."""

    label: str
    """The submission id, or its pseudonym in blind mode."""
    name: str
    """Who sent it (the ledger's name, else the zip's); the pseudonym in blind mode."""
    contact: str
    file: str
    report: str
    """Its report.html, relative to the cohort's output folder; empty when there is none."""
    result: Result
    flags: tuple[str, ...]
    review: InterviewerScores | None = None
    similar: tuple[Similar, ...] = ()

    @property
    def total(self) -> float | None:
        scores = [s for s in self.scores.values() if s is not None]
        return round(sum(scores) / len(scores), 4) if scores else None

    @property
    def scores(self) -> dict[DimensionName, float | None]:
        return {name: _dimension(self.result, name).score for name in DIMENSION_NAMES}

    def criterion(self, column: CriterionColumn) -> float | None:
        for criterion in _dimension(self.result, column.dimension).criteria:
            if criterion.id == column.id:
                return criterion.score
        return None

    def check_statuses(self) -> dict[str, str]:
        """Each check's status in this submission (its worst, if it has several findings)."""
        statuses: dict[str, str] = {}
        for finding in self.result.findings:
            kept = statuses.get(finding.check)
            if kept is None or STATUS_ORDER.index(finding.status) < STATUS_ORDER.index(kept):
                statuses[finding.check] = finding.status
        return statuses

    def anchored_findings(self) -> list[tuple[str, Finding]]:
        return [(finding_anchor(i, f), f) for i, f in enumerate(self.result.findings)]


@dataclass(frozen=True)
class Cohort:
    """Every row of one challenge, and what the page says about the run."""

    challenge: str
    versions: tuple[str, ...]
    rows: tuple[Row, ...]
    criteria: tuple[CriterionColumn, ...]
    references: tuple[str, ...]
    metric: str | None
    check_criteria: Mapping[str, tuple[str, ...]]
    """Check id -> the `dimension.criterion` keys it feeds, from the challenge's rubric."""
    blind: bool
    notes: tuple[str, ...] = ()
    similarity_note: str = ""
    similarity_ran: bool = False
    pairs: tuple[SimilarPairView, ...] = ()


@dataclass(frozen=True)
class FragmentView:
    where: str
    other_where: str
    excerpt: str


@dataclass(frozen=True)
class SimilarPairView:
    a: str
    b: str
    score: float
    fragments: tuple[FragmentView, ...]


def criterion_columns(results: Sequence[Result]) -> tuple[CriterionColumn, ...]:
    """Every criterion any result has, dimension by dimension, in the order first seen."""
    seen: dict[str, CriterionColumn] = {}
    for name in DIMENSION_NAMES:
        for result in results:
            for c in _dimension(result, name).criteria:
                column = CriterionColumn(name, c.id, c.title or words(c.id), c.weight)
                seen.setdefault(column.key, column)
    return tuple(seen.values())


def reference_names(results: Sequence[Result]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for result in results:
        names.update(dict.fromkeys(result.metrics.references))
    return tuple(names)


def flags(result: Result, report_exists: bool) -> tuple[str, ...]:
    """What a hiring team must know before comparing this row: broken stages, an unsandboxed
    run, files the grader could not read, checks that crashed, a missing report."""
    found = [
        f"{stage} {words(run.verdict)}"
        for stage, run in result.stages.items()
        if run.verdict not in ("ok", "not_run")
    ]
    if result.provenance.backend == "local":
        found.append("local backend (not sandboxed)")
    unreadable = [
        f for f in result.findings if f.check.endswith(".readable") and f.status != "pass"
    ]
    if any(f.status in ("fail", "partial") for f in unreadable):
        found.append("unreadable files")
    crashed = sorted({f.check for f in result.findings if f.status == "error"})
    found += [f"check crashed: {check}" for check in crashed]
    if not report_exists:
        found.append("no report.html")
    return tuple(found)


def sort_rows(rows: Sequence[Row], key: str) -> tuple[Row, ...]:
    """By name (A-Z), or by a score, highest first; rows without that score go last."""
    if key == "name":
        return tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.label)))

    def score(row: Row) -> float | None:
        return row.total if key == "total" else row.scores[key]  # type: ignore[index]

    return tuple(
        sorted(rows, key=lambda r: (score(r) is None, -(score(r) or 0.0), r.name.casefold()))
    )


def _dimension(result: Result, name: DimensionName) -> DimensionScore:
    return result.dimensions.get(name, DimensionScore())
