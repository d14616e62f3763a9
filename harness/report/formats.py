"""How numbers, scores and places in a file read in the report and the follow-up guide."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from harness.models import DimensionName, Evidence

Band = Literal["good", "fair", "poor", "none"]
NOT_SCORED = "not scored"
GOOD, FAIR = 0.75, 0.5
"""Score bands: at or above GOOD reads green, at or above FAIR amber, below it red."""
PRIORITY: Mapping[DimensionName, int] = {
    "data_judgment": 0,
    "correctness": 1,
    "deployment": 2,
    "code_quality": 3,
    "communication": 4,
}
"""Which dimension comes first, in the flags and the follow-up questions, when findings are
equally bad: the trap and the holdout matter most to a hiring team."""


@dataclass(frozen=True)
class Score:
    """A score in [0, 1] as the report shows it: out of 100, and never 0 when missing."""

    text: str
    percent: int | None
    band: Band

    @classmethod
    def of(cls, value: float | None) -> Score:
        if value is None:
            return cls(NOT_SCORED, None, "none")
        percent = round(value * 100)
        return cls(str(percent), percent, band(value))


def band(value: float | None) -> Band:
    if value is None:
        return "none"
    return "good" if value >= GOOD else "fair" if value >= FAIR else "poor"


def number(value: float | str | None, missing: str = "n/a") -> str:
    """Three decimals for scores below 10, thousands separators for money and counts."""
    if value is None:
        return missing
    if isinstance(value, str):
        return value
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def where(evidence: Evidence | None, missing: str = "the evidence below") -> str:
    """`path:first-last`, `path:line`, `path`, or `missing` when it names no file."""
    if evidence is None or not evidence.path:
        return missing
    if evidence.lines is None:
        return evidence.path
    first, last = evidence.lines
    return f"{evidence.path}:{first}" if first == last else f"{evidence.path}:{first}-{last}"


def when(moment: datetime) -> str:
    """A timestamp in UTC, to the minute."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%d %H:%M UTC")


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


def megabytes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def words(identifier: str) -> str:
    """`scoring_time` -> `scoring time`: a machine name made readable."""
    return identifier.replace("_", " ").replace("-", " ")


def clip(text: str, limit: int) -> tuple[str, bool]:
    """The text cut to `limit` characters, and whether anything was cut."""
    return (text, False) if len(text) <= limit else (text[:limit], True)
