"""Evidence and metrics as the report shows them: numbered code, log excerpts, score bars.

Everything here is plain data for the templates. Text from a submission stays text: the
templates escape it; nothing in this module marks anything safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.metrics import find_metric
from harness.models import Evidence, Metrics
from harness.report.formats import clip, number, where, words

EXCERPT_CHARS = 4_000
"""An excerpt longer than this is cut in the report (result.json keeps it whole)."""
COMPARED_CHECKS = frozenset({"correctness.holdout"})
"""Checks whose metric evidence is shown beside the baseline and the references."""
KIND_LABELS = {
    "code": "code",
    "log": "log excerpt",
    "metric": "metric",
    "file": "file",
    "text": "note",
    "traceback": "traceback",
}
BAR_WIDTH = 100
"""Width of the longest bar of a metric chart, in the chart's own units (percent)."""


@dataclass(frozen=True)
class CodeLine:
    number: int | None
    text: str


@dataclass(frozen=True)
class EvidenceView:
    """One piece of evidence, ready to show."""

    kind: str
    label: str
    location: str
    lines: tuple[CodeLine, ...]
    """Numbered lines, for code."""
    text: str
    """The excerpt, for anything but code."""
    value: str
    compared: tuple[tuple[str, str], ...]
    """For a metric: (what, score) pairs of the baseline and references beside it."""
    cut: bool


def evidence_view(evidence: Evidence, metrics: Metrics, check: str = "") -> EvidenceView:
    excerpt, cut = clip(evidence.excerpt or "", EXCERPT_CHARS)
    is_code = evidence.kind == "code" and bool(excerpt)
    compared = _compared(metrics) if evidence.kind == "metric" and check in COMPARED_CHECKS else ()
    return EvidenceView(
        kind=evidence.kind,
        label=KIND_LABELS.get(evidence.kind, evidence.kind),
        location=where(evidence, ""),
        lines=_numbered(excerpt, evidence.lines) if is_code else (),
        text="" if is_code else excerpt,
        value=number(evidence.value, ""),
        compared=compared,
        cut=cut,
    )


def _numbered(excerpt: str, lines: tuple[int, int] | None) -> tuple[CodeLine, ...]:
    start = lines[0] if lines else None
    rows = excerpt.rstrip("\n").split("\n")
    return tuple(CodeLine(None if start is None else start + i, row) for i, row in enumerate(rows))


def _compared(metrics: Metrics) -> tuple[tuple[str, str], ...]:
    pairs = [("trivial baseline", metrics.baseline)]
    pairs += [(f"{name} reference", value) for name, value in sorted(metrics.references.items())]
    return tuple((label, number(value)) for label, value in pairs if value is not None)


@dataclass(frozen=True)
class MetricBar:
    """One row of the holdout chart: a score and its bar."""

    label: str
    value: str
    width: int
    mine: bool
    """This submission's own score (drawn in the accent colour)."""


@dataclass(frozen=True)
class MetricsView:
    """The hidden-holdout score beside the trivial baseline, the references and the estimate."""

    metric: str
    direction: str
    bars: tuple[MetricBar, ...]
    estimate: str
    slices: tuple[tuple[str, str], ...]

    @property
    def present(self) -> bool:
        return bool(self.bars or self.slices or self.estimate)


def metrics_view(metrics: Metrics) -> MetricsView:
    name = metrics.metric or (metrics.estimate.metric if metrics.estimate else "")
    known = find_metric(name) if name else None
    direction = "" if known is None else "higher is better"
    if known is not None and not known.higher_is_better:
        direction = "lower is better"
    return MetricsView(
        metric=name or "score",
        direction=direction,
        bars=_bars(metrics),
        estimate=_estimate_line(metrics),
        slices=tuple(
            (words(name), number(value)) for name, value in sorted(metrics.slices.items())
        ),
    )


def _bars(metrics: Metrics) -> tuple[MetricBar, ...]:
    rows: list[tuple[str, float | None, bool]] = [("this submission", metrics.holdout, True)]
    rows += [
        (f"{name} reference", value, False) for name, value in sorted(metrics.references.items())
    ]
    rows.append(("trivial baseline", metrics.baseline, False))
    if metrics.estimate is not None:
        rows.append(("their own estimate", metrics.estimate.value, False))
    scale = max((abs(value) for _, value, _ in rows if value is not None), default=0.0)
    return tuple(
        MetricBar(label, number(value, "not measured"), _width(value, scale), mine)
        for label, value, mine in rows
        if value is not None or mine
    )


def _width(value: float | None, scale: float) -> int:
    if value is None or scale <= 0:
        return 0
    return max(2, round(BAR_WIDTH * abs(value) / scale))


def _estimate_line(metrics: Metrics) -> str:
    estimate = metrics.estimate
    if estimate is None:
        return ""
    measured = number(metrics.holdout, "not measured")
    return (
        f"They expected {estimate.metric} {number(estimate.value)} on new data "
        f"({estimate.method}); we measured {measured}."
    )
