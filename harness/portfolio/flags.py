"""Green and red flags in the words reviewers use, each tied to the evidence behind it.

A signal or take-home check that scored well is a green flag of its area, one that scored
badly a red one; so is what the checkout saw of a hostile tree (a link leading out of it).
Flags come round-robin across the areas, strongest first, so the first few cover the whole
repository; each says its area ("Production deployment: app/main.py serves the model with
FastAPI ...") and names the signal or check whose evidence backs it.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.models import Finding
from harness.portfolio.checks import check_name
from harness.portfolio.model import AREA_LABELS, AREA_NAMES, AreaName, Checkout, Flag, Signal, Tone
from harness.portfolio.scoring import CHECK_AREAS

GREEN, RED = 0.75, 0.4
"""At or above GREEN a part is a green flag; below RED a red one."""

SIGNAL_FLOOR = 0.75
"""A signal's weight in the order of flags is at least this: the portfolio's own evidence
(a dump, notebooks only, routes) leads before a take-home check's refinement of it."""
Part = tuple[AreaName, float, str, str, float]
"""(area, score, text, source id, weight)."""


def build_flags(
    signals: Iterable[Signal], findings: Iterable[Finding], checkout: Checkout
) -> tuple[Flag, ...]:
    parts = [*_signal_parts(signals), *_check_parts(findings)]
    green = [p for p in parts if p[1] >= GREEN]
    red = [p for p in parts if p[1] < RED]
    flags = [_flag("green", p) for p in _round_robin(green, best_first=True)]
    flags += _checkout_flags(checkout)
    flags += [_flag("red", p) for p in _round_robin(red, best_first=False)]
    return tuple(flags)


def _signal_parts(signals: Iterable[Signal]) -> list[Part]:
    return [
        (s.area, s.score, s.message, s.id, max(SIGNAL_FLOOR, _weight(s.id)))
        for s in signals
        if s.score is not None
    ]


def _weight(signal_id: str) -> float:
    from harness.portfolio.signals import SIGNALS

    return SIGNALS[signal_id].weight if signal_id in SIGNALS else 1.0


def _check_parts(findings: Iterable[Finding]) -> list[Part]:
    found = []
    for finding in findings:
        area = CHECK_AREAS.get(finding.check)
        if area is not None and finding.score is not None and finding.status != "skipped":
            title = check_name(finding.check)
            said = finding.message
            text = said if said.lower().startswith(title.lower()) else f"{title}: {said}"
            found.append((area[0], finding.score, text, finding.check, area[1]))
    return found


def _round_robin(parts: list[Part], best_first: bool) -> list[Part]:
    """The strongest part of each area, then the second of each, ...; areas in order. A part
    weighs its score by its weight: a heavy part a little short outranks a light one."""

    def impact(part: Part) -> float:
        return part[4] * (part[1] if best_first else 1.0 - part[1])

    ordered = sorted(parts, key=lambda p: (-impact(p), AREA_NAMES.index(p[0]), p[3]))
    seen: dict[AreaName, int] = {}
    keyed = []
    for part in ordered:
        seen[part[0]] = seen.get(part[0], 0) + 1
        keyed.append(((seen[part[0]], AREA_NAMES.index(part[0])), part))
    return [part for _, part in sorted(keyed, key=lambda item: item[0])]


def _flag(tone: Tone, part: Part) -> Flag:
    area, _, text, source, _ = part
    return Flag(tone=tone, area=area, text=f"{AREA_LABELS[area]}: {text}", source=source)


def _checkout_flags(checkout: Checkout) -> list[Flag]:
    """A link that leads out of the tree is not an accident of a normal project."""
    leaving = [link for link in checkout.links if link.escapes]
    if not leaving:
        return []
    first = leaving[0]
    text = (
        f"Software engineering habits: {len(leaving)} symbolic link(s) lead out of the "
        f"repository ({first.path} -> {first.target}); never followed"
    )
    return [Flag(tone="red", area="engineering", text=text, source="checkout")]
