"""The cohort page's view model: plain data for the templates, built from the table model.

Like the report's view, nothing here is marked safe: every text reaches the page through
jinja2's autoescape. The SVG distributions are laid out here as numbers, so the templates
only print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.cohort.stats import (
    BINS,
    CHALLENGE_SENTENCE,
    LOW_PASS_RATE,
    CheckRate,
    Distribution,
    check_rates,
    distribution,
    trap_counts,
)
from harness.cohort.table import Cohort, CriterionColumn, Row, SimilarPairView
from harness.models import DIMENSION_NAMES
from harness.report.formats import Score, number, words
from harness.report.sections import VERDICTS
from harness.report.view import DIMENSIONS, check_title

CHART_W, CHART_H, BAR_GAP = 300, 80, 3
BAR_W = (CHART_W - BAR_GAP * (BINS - 1)) / BINS


@dataclass(frozen=True)
class BinView:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    """`50-59: 3` for a tooltip-free reader: the title element of the bar."""


@dataclass(frozen=True)
class ChartView:
    dimension: str
    label: str
    bins: tuple[BinView, ...]
    unscored: int
    median: Score
    summary: str


@dataclass(frozen=True)
class VerdictCount:
    label: str
    tone: str
    count: int
    percent: int


@dataclass(frozen=True)
class CellView:
    """One criterion of one row: the harness's score, and the interviewer's beside it."""

    score: Score
    automatic: bool
    interviewer: Score | None


@dataclass(frozen=True)
class RowView:
    anchor: str
    name: str
    report: str
    total: Score
    scores: tuple[Score, ...]
    interviewer: tuple[Score | None, ...]
    """The interviewer's own score of each dimension, where a review records one."""
    trap_label: str
    trap_tone: str
    holdout: tuple[str, ...]
    """The metric, the baseline, each reference, their own estimate."""
    flags: tuple[str, ...]
    reviewed: str
    similar: tuple[str, ...]
    criteria: tuple[tuple[str, tuple[CellView, ...]], ...]
    """Per dimension: its key, then a cell per criterion column of that dimension."""


@dataclass(frozen=True)
class CriteriaTable:
    dimension: str
    label: str
    columns: tuple[CriterionColumn, ...]


@dataclass(frozen=True)
class RateView:
    check: str
    title: str
    dimension: str
    passed: int
    partial: int
    failed: int
    other: int
    rate: str
    percent: int | None
    flagged: bool


@dataclass(frozen=True)
class FragmentLine:
    where: str
    other_where: str
    excerpt: str


@dataclass(frozen=True)
class PairView:
    a: str
    b: str
    score: str
    fragments: tuple[FragmentLine, ...]


@dataclass(frozen=True)
class PageView:
    title: str
    challenge: str
    versions: str
    count: int
    blind: bool
    metric: str
    references: tuple[str, ...]
    dimension_labels: tuple[str, ...]
    charts: tuple[ChartView, ...]
    verdicts: tuple[VerdictCount, ...]
    rows: tuple[RowView, ...]
    tables: tuple[CriteriaTable, ...]
    rates: tuple[RateView, ...]
    low_rate: int
    challenge_sentence: str
    pairs: tuple[PairView, ...]
    similarity_note: str
    similarity_ran: bool
    reviews: bool
    notes: tuple[str, ...]
    sorted_by: str


def build_page(cohort: Cohort, sorted_by: str) -> PageView:
    rows = cohort.rows
    tables = tuple(
        CriteriaTable(name, DIMENSIONS[name][0], cols)
        for name in DIMENSION_NAMES
        if (cols := tuple(c for c in cohort.criteria if c.dimension == name))
    )
    versions = ", ".join(cohort.versions)
    return PageView(
        title=f"{cohort.challenge} · cohort of {len(rows)} · grade",
        challenge=cohort.challenge,
        versions=versions,
        count=len(rows),
        blind=cohort.blind,
        metric=cohort.metric or "score",
        references=cohort.references,
        dimension_labels=tuple(DIMENSIONS[name][0] for name in DIMENSION_NAMES),
        charts=tuple(_chart(distribution(rows, name)) for name in DIMENSION_NAMES),
        verdicts=_verdicts(rows),
        rows=tuple(_row(i, row, cohort, tables) for i, row in enumerate(rows)),
        tables=tables,
        rates=tuple(_rate(rate) for rate in check_rates(rows)),
        low_rate=round(LOW_PASS_RATE * 100),
        challenge_sentence=CHALLENGE_SENTENCE,
        pairs=tuple(_pair(p) for p in cohort.pairs),
        similarity_note=cohort.similarity_note,
        similarity_ran=cohort.similarity_ran,
        reviews=any(row.review is not None for row in rows),
        notes=cohort.notes,
        sorted_by=words(sorted_by),
    )


def _chart(d: Distribution) -> ChartView:
    peak = max(d.bins, default=0) or 1
    bins = []
    for index, count in enumerate(d.bins):
        height = CHART_H * count / peak
        low, high = index * 10, (100 if index == BINS - 1 else index * 10 + 9)
        bins.append(
            BinView(
                x=round(index * (BAR_W + BAR_GAP), 1),
                y=round(CHART_H - height, 1),
                width=round(BAR_W, 1),
                height=round(height, 1),
                count=count,
                label=f"{low}-{high}: {count}",
            )
        )
    median = Score.of(d.median)
    scored = sum(d.bins)
    summary = f"{scored} scored, median {median.text}" if scored else "none scored"
    if d.unscored:
        summary += f"; {d.unscored} not scored"
    return ChartView(d.dimension, DIMENSIONS[d.dimension][0], tuple(bins), d.unscored, median,
                     summary)  # fmt: skip


def _verdicts(rows: Sequence[Row]) -> tuple[VerdictCount, ...]:
    counts = trap_counts(rows)
    total = max(1, len(rows))
    return tuple(
        VerdictCount(VERDICTS[v][0], VERDICTS[v][1], n, round(100 * n / total))
        for v, n in counts.items()
    )


def _row(index: int, row: Row, cohort: Cohort, tables: Sequence[CriteriaTable]) -> RowView:
    label, tone, _ = VERDICTS[row.result.trap.verdict]
    review = row.review
    return RowView(
        anchor=f"row-{index + 1}",
        name=row.name,
        report=row.report,
        total=Score.of(row.total),
        scores=tuple(Score.of(s) for s in row.scores.values()),
        interviewer=tuple(
            Score.of(review.dimensions[name])
            if review is not None and review.dimensions.get(name) is not None
            else None
            for name in DIMENSION_NAMES
        ),
        trap_label=label,
        trap_tone=tone,
        holdout=_holdout(row, cohort.references),
        flags=row.flags,
        reviewed=f"{review.reviewer}, {review.reviewed}".strip(", ") if review else "",
        similar=tuple(f"{s.other_name} ({round(s.score * 100)}%)" for s in row.similar),
        criteria=tuple((t.dimension, tuple(_cell(row, c) for c in t.columns)) for t in tables),
    )


def _cell(row: Row, column: CriterionColumn) -> CellView:
    dimension = row.result.dimensions.get(column.dimension)
    criteria = dimension.criteria if dimension is not None else ()
    automatic = all(c.automatic for c in criteria if c.id == column.id)
    interviewer = None
    if row.review is not None and column.key in row.review.criteria:
        interviewer = Score.of(row.review.criteria[column.key])
    return CellView(Score.of(row.criterion(column)), automatic, interviewer)


def _dimension_label(name: str) -> str:
    for known, (label, _) in DIMENSIONS.items():
        if known == name:
            return label
    return words(name)


def _rate(rate: CheckRate) -> RateView:
    counts = rate.counts
    value = rate.rate
    return RateView(
        check=rate.check,
        title=check_title(rate.check),
        dimension=_dimension_label(rate.dimension),
        passed=counts.get("pass", 0),
        partial=counts.get("partial", 0),
        failed=counts.get("fail", 0),
        other=counts.get("skipped", 0) + counts.get("error", 0),
        rate="n/a" if value is None else f"{round(value * 100)}%",
        percent=None if value is None else round(value * 100),
        flagged=rate.points_at_challenge,
    )


def _holdout(row: Row, references: Sequence[str]) -> tuple[str, ...]:
    """This row's holdout metric, the baseline, each reference and their own estimate."""
    metrics = row.result.metrics
    estimate = metrics.estimate.value if metrics.estimate else None
    return (
        number(metrics.holdout, "not measured"),
        number(metrics.baseline),
        *(number(metrics.references.get(r)) for r in references),
        number(estimate, "none"),
    )


def _pair(pair: SimilarPairView) -> PairView:
    return PairView(
        a=pair.a,
        b=pair.b,
        score=f"{round(pair.score * 100)}%",
        fragments=tuple(FragmentLine(f.where, f.other_where, f.excerpt) for f in pair.fragments),
    )
