"""The five areas' scores: each the weighted mean of its signals and take-home checks.

A signal's weight is registered with it; a take-home check's weight in its area is in
`CHECK_AREAS`. A part that could not be scored (skipped, crashed) is left out of the mean,
never counted as zero, and an area with no scored part has no score. History weighs half a
code signal (dates can be forged), as do the checks that only refine another signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.models import Finding
from harness.portfolio.model import AREA_NAMES, AreaName, AreaPart, AreaScore, Signal
from harness.portfolio.signals import SIGNALS

CHECK_AREAS: Mapping[str, tuple[AreaName, float]] = {
    "code.tests": ("engineering", 1.5),
    "code.lint": ("engineering", 0.5),
    "code.complexity": ("engineering", 0.5),
    "code.typing": ("engineering", 0.5),
    "code.structure": ("engineering", 0.5),
    "code.hygiene": ("engineering", 0.5),
    "code.notebooks": ("depth", 0.5),
    "comms.structure": ("depth", 0.25),
    "comms.length": ("depth", 0.25),
    "deploy.dockerfile": ("deployment", 0.75),
    "deploy.validation": ("deployment", 1.0),
    "deploy.artifacts": ("deployment", 0.5),
    "deploy.operations": ("observability", 1.0),
}
"""Which area each applicable take-home check counts in, and its weight there."""


def area_of(part_id: str) -> AreaName | None:
    """The area a signal or check id counts in (None: in none)."""
    if part_id in SIGNALS:
        return SIGNALS[part_id].area
    found = CHECK_AREAS.get(part_id)
    return found[0] if found else None


def score_areas(
    signals: Iterable[Signal], findings: Iterable[Finding]
) -> dict[AreaName, AreaScore]:
    parts: dict[AreaName, list[AreaPart]] = {name: [] for name in AREA_NAMES}
    for found in signals:
        weight = SIGNALS[found.id].weight if found.id in SIGNALS else 1.0
        parts[found.area].append(AreaPart(id=found.id, weight=weight, score=found.score))
    for finding in findings:
        if finding.check in CHECK_AREAS and finding.status != "skipped":
            area, weight = CHECK_AREAS[finding.check]
            parts[area].append(AreaPart(id=finding.check, weight=weight, score=finding.score))
    return {
        name: AreaScore(score=_mean(parts[name]), parts=tuple(parts[name])) for name in AREA_NAMES
    }


def _mean(parts: list[AreaPart]) -> float | None:
    scored = [part for part in parts if part.score is not None]
    weight = sum(part.weight for part in scored)
    if not weight:
        return None
    return round(sum(part.weight * (part.score or 0.0) for part in scored) / weight, 4)
