"""Across the cohort: a distribution per dimension, the trap verdicts, each check's pass rate.

A check that nearly every candidate fails says more about the challenge (its brief, its data
or the check itself) than about the candidates: the pass-rate table flags it in those words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from harness.cohort.table import Row
from harness.models import DimensionName, TrapVerdict

BINS = 10
LOW_PASS_RATE = 0.2
MIN_SCORED = 3
"""A check is flagged only when at least this many submissions were scored on it."""
CHALLENGE_SENTENCE = (
    "Almost no candidate passes this check: it points at the challenge (its brief, its data or "
    "the check itself), not at the candidates."
)
VERDICT_ORDER: tuple[TrapVerdict, ...] = ("handled", "noticed_not_handled", "missed", "unknown")


@dataclass(frozen=True)
class Distribution:
    """How many rows fall in each tenth of [0, 1] (the last bin holds 1.0), and how many
    have no score."""

    dimension: DimensionName
    bins: tuple[int, ...]
    unscored: int
    median: float | None


@dataclass(frozen=True)
class CheckRate:
    check: str
    dimension: str
    counts: dict[str, int]
    """By status: pass, partial, fail, skipped, error."""

    @property
    def scored(self) -> int:
        return sum(self.counts.get(s, 0) for s in ("pass", "partial", "fail"))

    @property
    def rate(self) -> float | None:
        """Passes out of the submissions it scored (not applicable and crashed are left out)."""
        return self.counts.get("pass", 0) / self.scored if self.scored else None

    @property
    def points_at_challenge(self) -> bool:
        rate = self.rate
        return rate is not None and self.scored >= MIN_SCORED and rate < LOW_PASS_RATE


def distribution(rows: Sequence[Row], dimension: DimensionName) -> Distribution:
    values = [s for s in (row.scores[dimension] for row in rows) if s is not None]
    bins = [0] * BINS
    for value in values:
        bins[min(BINS - 1, int(value * BINS))] += 1
    return Distribution(dimension, tuple(bins), len(rows) - len(values), _median(values))


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def trap_counts(rows: Sequence[Row]) -> dict[TrapVerdict, int]:
    counts = Counter(row.result.trap.verdict for row in rows)
    return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}


def check_rates(rows: Sequence[Row]) -> tuple[CheckRate, ...]:
    """Every check any row has, in check-id order."""
    counts: dict[str, Counter[str]] = {}
    dimensions: dict[str, str] = {}
    for row in rows:
        for finding in row.result.findings:
            dimensions.setdefault(finding.check, finding.dimension)
        for check, status in row.check_statuses().items():
            counts.setdefault(check, Counter())[status] += 1
    return tuple(
        CheckRate(check, dimensions[check], dict(counts[check])) for check in sorted(counts)
    )
