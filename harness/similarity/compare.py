"""Comparing every submission with every other one and with each reference.

A side (a submission or a reference folder) is the set of fingerprints of all its code files.
Removed from every side before comparing: the fingerprints of the challenge's public bundle
(boilerplate every candidate starts from), and, in a cohort of at least
`MIN_COHORT_FOR_COMMON` submissions, those more than half of the submissions have (common
idioms). A pair's score is the share of the smaller side's fingerprints the other side has.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.similarity.engine import Fingerprints, fingerprint
from harness.similarity.fragments import file_fragments
from harness.similarity.model import DEFAULT_THRESHOLD, Fragment, SimilarPair
from harness.similarity.sources import Source, boilerplate_sources, folder_sources

MIN_FINGERPRINTS = 200
"""A score's denominator is at least this (about five lines of normalised code): a side with
almost no code of its own (after
boilerplate) cannot reach the threshold by sharing a handful of lines."""
MIN_COHORT_FOR_COMMON = 4
"""Below this many submissions, "shared by more than half" would drop what two copies share."""
MAX_FRAGMENTS = 8
"""Fragments kept per pair, the largest."""
REFERENCE_PREFIX = "reference:"


@dataclass(frozen=True)
class _Side:
    label: str
    files: tuple[Fingerprints, ...]

    @functools.cached_property
    def hashes(self) -> frozenset[int]:
        return frozenset().union(*(f.hashes for f in self.files))

    def without(self, dropped: frozenset[int]) -> _Side:
        return _Side(self.label, tuple(f.without(dropped) for f in self.files))


def find_similar(
    submissions: Mapping[str, Path],
    references: Mapping[str, Path],
    boilerplate: Sequence[Path],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimilarPair]:
    """Pairs (submission, submission) and (submission, `reference:<name>`) scoring at or above
    `threshold`, highest first, each with its largest matched fragments. Unreadable files are
    skipped; nothing raises for what a candidate sent."""
    noise = frozenset().union(*(s.hashes for s in _fingerprinted(boilerplate_sources(boilerplate))))
    subs = [_side(label, folder, noise) for label, folder in sorted(submissions.items())]
    refs = [_side(_reference_label(n), folder, noise) for n, folder in sorted(references.items())]
    common = common_fingerprints([side.hashes for side in subs])
    subs = [side.without(common) for side in subs]
    refs = [side.without(common) for side in refs]
    candidates = [*itertools.combinations(subs, 2), *itertools.product(subs, refs)]
    pairs = []
    for a, b in candidates:
        ha, hb = a.hashes, b.hashes
        score = pair_score(ha, hb)
        if score >= threshold:
            pairs.append(SimilarPair(a.label, b.label, score, _fragments(a, b, ha & hb)))
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))


def pair_score(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of the smaller side's fingerprints that the other has, in [0, 1]."""
    return len(a & b) / max(min(len(a), len(b)), MIN_FINGERPRINTS)


def common_fingerprints(sides: Sequence[frozenset[int]]) -> frozenset[int]:
    """Fingerprints more than half of the sides have (none below `MIN_COHORT_FOR_COMMON`)."""
    if len(sides) < MIN_COHORT_FOR_COMMON:
        return frozenset()
    counts = Counter(h for side in sides for h in side)
    return frozenset(h for h, n in counts.items() if 2 * n > len(sides))


def _side(label: str, folder: Path, noise: frozenset[int]) -> _Side:
    files = _fingerprinted(folder_sources(folder))
    return _Side(label, tuple(f.without(noise) for f in files))


def _fingerprinted(sources: Iterable[Source]) -> list[Fingerprints]:
    found = []
    for source in sources:
        try:
            found.append(fingerprint(source.path, source.code))
        except Exception:  # pygments or numpy on hostile text: that file is skipped
            continue
    return found


def _fragments(a: _Side, b: _Side, shared: frozenset[int]) -> tuple[Fragment, ...]:
    found = [
        fragment
        for fa, fb in itertools.product(a.files, b.files)
        for fragment in file_fragments(fa, fb, shared)
    ]
    found.sort(key=lambda f: -(f.lines[1] - f.lines[0]))
    kept = found[:MAX_FRAGMENTS]
    return tuple(sorted(kept, key=lambda f: (f.file, f.lines)))


def _reference_label(name: str) -> str:
    return name if name.startswith(REFERENCE_PREFIX) else REFERENCE_PREFIX + name
