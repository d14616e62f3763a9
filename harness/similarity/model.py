"""What a similarity comparison finds: pairs of submissions (or a submission and a reference)
whose code overlaps, with the matched fragments on both sides."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.5
"""A pair is reported when its score is at or above this (see `SimilarPair.score`)."""


@dataclass(frozen=True)
class Fragment:
    """One matched stretch of code: a file and 1-based inclusive line range on each side."""

    file: str
    lines: tuple[int, int]
    other_file: str
    other_lines: tuple[int, int]
    excerpt: str
    """A short excerpt of side `a`'s matched code (capped in lines and characters)."""


@dataclass(frozen=True)
class SimilarPair:
    """Two sides whose code overlaps; `a` and `b` are labels: a submission id, or
    `reference:<name>` (e.g. `reference:careful`)."""

    a: str
    b: str
    score: float
    """In [0, 1]: the share of the smaller side's fingerprints (after boilerplate and
    cohort-common fingerprints are removed) that the other side also has."""
    fragments: tuple[Fragment, ...]
