"""A follow-up question is asked only when every fact it takes for granted holds.

A question's premises are the facts its bank entry names in `requires` (true) and `unless`
(false), plus what its placeholders assume: `{holdout}` that the holdout was measured,
`{careful}` that the careful reference's score is recorded. The facts are those the
harness recorded in `result.json` (`facts`, see `harness/checks/facts.py`) and the numbers
of `metrics`; a fact that is not recorded counts as false, so an old result never gets a
question on a premise nobody checked.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from harness.models import FACTS, Result

METRIC_FACTS = {
    "baseline_measured": "the trivial baseline was scored on the holdout",
    "careful_recorded": "the careful reference's holdout score is recorded",
    "naive_recorded": "the naive reference's holdout score is recorded",
}
KNOWN: frozenset[str] = frozenset({*FACTS, *METRIC_FACTS})
"""Every name `requires` and `unless` may use."""

PLACEHOLDER_PREMISES: Mapping[str, tuple[str, ...]] = {
    "holdout": ("holdout_measured",),
    "baseline": ("baseline_measured",),
    "careful": ("careful_recorded",),
    "naive": ("naive_recorded",),
    "estimate": ("estimate",),
    "method": ("estimate",),
}
"""What a placeholder takes for granted: without it the sentence would read "scored not
measured". (`{where}` reads "the evidence below" when the evidence names no file.)"""


def implied(texts: Iterable[str]) -> tuple[str, ...]:
    """The premises the placeholders of `texts` take for granted, in a stable order."""
    names = {
        name
        for text in texts
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None
    }
    found = {fact for name in names for fact in PLACEHOLDER_PREMISES.get(name, ())}
    return tuple(sorted(found))


def true_facts(result: Result) -> frozenset[str]:
    """The premises that hold for this result."""
    metrics = result.metrics
    held = {name for name, value in result.facts.items() if value and name in FACTS}
    if metrics.baseline is not None:
        held.add("baseline_measured")
    for name in ("careful", "naive"):
        if metrics.references.get(name) is not None:
            held.add(f"{name}_recorded")
    return frozenset(held)


def holds(requires: Iterable[str], unless: Iterable[str], held: frozenset[str]) -> bool:
    """Whether every required premise is true and every `unless` one false."""
    return set(requires) <= held and not set(unless) & held
