"""The report's "Similarity" section, from the `similarity.json` beside a result.

`grade cohort` writes that file (harness/similarity/output.py): the pairs of this submission
with another one or a reference whose code overlaps above a threshold, with the matched
fragments. The report shows them as a question for the interviewer, never as a score change.
The file is read strictly (documented keys, types and ranges; anything else makes it broken);
a missing file means no section, a broken one a one-line note, never a failed report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError

from harness.models import Frozen
from harness.report.formats import clip

SIMILARITY_FILE = "similarity.json"
EXCERPT_CHARS = 2_000
"""A fragment's excerpt is cut to this in the report."""
MAX_FRAGMENTS = 8
"""At most this many fragments of one pair are shown; the count of the rest is."""


class FragmentRecord(Frozen):
    file: str
    lines: tuple[int, int]
    other_file: str
    other_lines: tuple[int, int]
    excerpt: str = ""


class PairRecord(Frozen):
    other: str = Field(min_length=1)
    other_label: str = ""
    score: float = Field(ge=0.0, le=1.0)
    fragments: tuple[FragmentRecord, ...] = ()


class SimilarityRecord(Frozen):
    """`similarity.json`, as written by `grade cohort`."""

    engine: str
    threshold: float = Field(ge=0.0, le=1.0)
    pairs: tuple[PairRecord, ...] = ()


@dataclass(frozen=True)
class FragmentView:
    mine: str
    theirs: str
    excerpt: str
    cut: bool


@dataclass(frozen=True)
class PairView:
    label: str
    reference: bool
    percent: int
    question: str
    fragments: tuple[FragmentView, ...]
    more: int


@dataclass(frozen=True)
class SimilarityView:
    """The section; `note` set (and nothing else) when the file could not be read."""

    note: str = ""
    engine: str = ""
    threshold: int = 0
    pairs: tuple[PairView, ...] = ()


def read_similarity(result_json: Path) -> SimilarityView | None:
    """The section for the `similarity.json` beside `result_json`: None when there is none."""
    path = result_json.with_name(SIMILARITY_FILE)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        return SimilarityView(note=f"{SIMILARITY_FILE} could not be read: {err.strerror or err}.")
    try:
        record = SimilarityRecord.model_validate(json.loads(text))
    except (ValueError, ValidationError) as err:
        return SimilarityView(note=f"{SIMILARITY_FILE} is broken and was left out: {_why(err)}.")
    return similarity_view(record)


def _why(err: ValueError | ValidationError) -> str:
    if isinstance(err, ValidationError):
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        return f"{where}: {first['msg']}"
    return f"not JSON ({' '.join(str(err).split())})"


def similarity_view(record: SimilarityRecord) -> SimilarityView:
    pairs = sorted(record.pairs, key=lambda pair: -pair.score)
    return SimilarityView(
        engine=record.engine,
        threshold=round(record.threshold * 100),
        pairs=tuple(_pair(pair) for pair in pairs),
    )


def _pair(pair: PairRecord) -> PairView:
    label = pair.other_label or pair.other
    reference = pair.other.startswith("reference:")
    files = sorted({f.file for f in pair.fragments})
    verb = "shares" if len(files) == 1 else "share"
    what = f"{', '.join(files)} {verb}" if files else "This code shares"
    if reference:
        question = (
            f"{what} long stretches with {label}, the challenge's own solution: "
            "ask how they wrote them."
        )
    else:
        question = f"{what} long stretches with {label}: ask how they wrote them."
    return PairView(
        label=label,
        reference=reference,
        percent=round(pair.score * 100),
        question=question,
        fragments=tuple(_fragment(f) for f in pair.fragments[:MAX_FRAGMENTS]),
        more=max(0, len(pair.fragments) - MAX_FRAGMENTS),
    )


def _fragment(fragment: FragmentRecord) -> FragmentView:
    excerpt, cut = clip(fragment.excerpt, EXCERPT_CHARS)
    return FragmentView(
        mine=_place(fragment.file, fragment.lines),
        theirs=_place(fragment.other_file, fragment.other_lines),
        excerpt=excerpt,
        cut=cut,
    )


def _place(file: str, lines: tuple[int, int]) -> str:
    first, last = lines
    return f"{file}:{first}" if first == last else f"{file}:{first}-{last}"
