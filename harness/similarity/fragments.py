"""The matched fragments between two fingerprinted files: line ranges on both sides."""

from __future__ import annotations

from collections.abc import Iterable

from harness.similarity.engine import NOISE_THRESHOLD, Fingerprints
from harness.similarity.model import Fragment

EXCERPT_LINES = 12
EXCERPT_LINE_CHARS = 100
EXCERPT_CHARS = 800


def file_fragments(a: Fingerprints, b: Fingerprints, shared: frozenset[int]) -> list[Fragment]:
    """The stretches of `a` made of fingerprints in `shared`, each with where `b` has them,
    largest first (by normalised length)."""
    hits = sorted((p, h) for h in shared & a.hashes & b.hashes for p in a.positions[h])
    sized: list[tuple[int, Fragment]] = []
    for run in _runs(hits):
        other = _best_run(sorted(p for _, h in run for p in b.positions[h]))
        if not other:
            continue
        in_other = set(other)
        mine = [p for p, h in run if in_other.intersection(b.positions[h])]
        start, end = mine[0], mine[-1] + NOISE_THRESHOLD
        lines = _lines(a, start, end)
        other_lines = _lines(b, other[0], other[-1] + NOISE_THRESHOLD)
        excerpt = _excerpt(a.code, lines)
        sized.append((end - start, Fragment(a.name, lines, b.name, other_lines, excerpt)))
    sized.sort(key=lambda item: -item[0])
    return [fragment for _, fragment in sized]


def _runs(hits: list[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    """Split sorted (position, hash) hits where consecutive k-grams stop touching."""
    run: list[tuple[int, int]] = []
    for hit in hits:
        if run and hit[0] - run[-1][0] > NOISE_THRESHOLD - 1:
            yield run
            run = []
        run.append(hit)
    if run:
        yield run


def _best_run(positions: list[int]) -> list[int]:
    """The longest run of touching positions (a fingerprint can occur in several places)."""
    best: list[int] = []
    run: list[int] = []
    for position in positions:
        if run and position - run[-1] > NOISE_THRESHOLD - 1:
            best = max(best, run, key=len)
            run = []
        run.append(position)
    return max(best, run, key=len)


def _lines(side: Fingerprints, start: int, end: int) -> tuple[int, int]:
    """1-based inclusive line range in the raw code of normalised positions [start, end)."""
    first = side.raw_offset(start)
    last = max(first, side.raw_offset(max(start, end - 1)))
    return side.code.count("\n", 0, first) + 1, side.code.count("\n", 0, last) + 1


def _excerpt(code: str, lines: tuple[int, int]) -> str:
    chosen = code.splitlines()[lines[0] - 1 : lines[1]]
    shown = [
        line if len(line) <= EXCERPT_LINE_CHARS else line[: EXCERPT_LINE_CHARS - 1] + "…"
        for line in chosen[:EXCERPT_LINES]
    ]
    text = "\n".join(shown)
    if len(text) > EXCERPT_CHARS:
        text = text[: EXCERPT_CHARS - 1] + "…"
    elif len(chosen) > EXCERPT_LINES:
        text += "\n…"
    return text
