"""Parts of a write-up named in plain words, as bold labels with the colon inside, count."""

from __future__ import annotations

from harness.checks.communication import SECTIONS, _best_label, section_labels

PLAIN = """# Resale price model

Gradient boosting on the share of the list price.

**Watch out:** one feed's prices are in cents.

**How good:** off by about $50 on average in 5-fold cross-validation.

**Running it:** score each listing when it is created; retrain monthly.
"""


def _parts(text: str) -> set[str]:
    labels = section_labels(text)
    return {part for part, pattern in SECTIONS.items() if _best_label(labels, pattern)}


def test_plain_labels_name_their_parts() -> None:
    assert {"results", "deployment", "limitations"} <= _parts(PLAIN)


def test_unrelated_labels_name_no_part() -> None:
    assert _parts("# Notes\n\n**Thanks:** to the team.\n\n**Contact:** me.\n") == set()
