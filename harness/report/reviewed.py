"""The interviewer's review as the report shows it: beside the harness's scores, never mixed.

`read_beside` finds what sits next to a `result.json`: the interviewer's `review.toml`
(validated against the challenge's rubric) and the cohort's `similarity.json`. Neither ever
stops the report: a review that cannot be read becomes a one-line note in its section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError
from harness.models import DIMENSION_NAMES, DimensionScore, Result
from harness.report.formats import Score, words
from harness.report.similar import SimilarityView, read_similarity
from harness.review import REVIEW_FILE, Review, read_review, review_scores, rubric_for_result
from harness.rubric import Rubric


@dataclass(frozen=True)
class Beside:
    """What was found beside a result.json for its report."""

    review: Review | None = None
    review_note: str = ""
    """Set when a review.toml is there but could not be used."""
    rubric: Rubric | None = None
    similarity: SimilarityView | None = None


def read_beside(result_json: Path, result: Result, challenges: Sequence[Path] = ()) -> Beside:
    """The review and the similarity beside `result_json`; problems become notes."""
    similarity = read_similarity(result_json)
    if not result_json.with_name(REVIEW_FILE).exists():
        return Beside(similarity=similarity)
    try:
        rubric = rubric_for_result(result, challenges)
        review = read_review(result_json, rubric)
    except HarnessError as err:
        note = f"{REVIEW_FILE} was left out: {err.one_line()}"
        return Beside(review_note=note, similarity=similarity)
    return Beside(review=review, rubric=rubric, similarity=similarity)


@dataclass(frozen=True)
class Mark:
    """The interviewer's level on one criterion."""

    level: str
    score: Score
    notes: str


@dataclass(frozen=True)
class ReviewRow:
    """One dimension: the harness's score and the interviewer's, side by side."""

    label: str
    anchor: str
    harness: Score
    interviewer: Score
    judged: str


@dataclass(frozen=True)
class JudgedView:
    """One criterion the interviewer judged."""

    dimension: str
    title: str
    anchor: str
    harness: Score
    mark: Mark


@dataclass(frozen=True)
class ReviewView:
    """The section; `note` alone when the review could not be used."""

    note: str = ""
    reviewer: str = ""
    reviewed: str = ""
    rows: tuple[ReviewRow, ...] = ()
    judged: tuple[JudgedView, ...] = ()
    notes: str = ""
    marks: Mapping[tuple[str, str], Mark] = field(default_factory=dict)
    """(dimension, criterion id) -> the interviewer's mark, for the criteria tables."""


def review_view(beside: Beside, result: Result, labels: Mapping[str, str]) -> ReviewView | None:
    """The section for the review beside the result (None: there is none)."""
    if beside.review_note:
        return ReviewView(note=beside.review_note)
    review = beside.review
    if review is None:
        return None
    marks = {
        (c.dimension, c.criterion): Mark(c.level or "", Score.of(c.score), c.notes)
        for c in review.filled
    }
    scores = review_scores(review)
    titles = _titles(beside.rubric)
    harness_scores: dict[tuple[str, str], Score] = {
        (name, c.id): Score.of(c.score)
        for name in DIMENSION_NAMES
        for c in result.dimensions.get(name, DimensionScore()).criteria
    }
    rows = tuple(
        ReviewRow(
            label=labels[name],
            anchor=_anchor(name),
            harness=Score.of(result.dimensions.get(name, DimensionScore()).score),
            interviewer=Score.of(scores.get(name)),
            judged=_judged(review, name),
        )
        for name in DIMENSION_NAMES
    )
    judged = tuple(
        JudgedView(
            dimension=labels.get(c.dimension, words(c.dimension)),
            title=titles.get((c.dimension, c.criterion), words(c.criterion)),
            anchor=_anchor(c.dimension),
            harness=harness_scores.get((c.dimension, c.criterion), Score.of(None)),
            mark=marks[(c.dimension, c.criterion)],
        )
        for c in review.filled
    )
    return ReviewView(
        reviewer=review.reviewer,
        reviewed=review.reviewed.replace("T", " "),
        rows=rows,
        judged=judged,
        notes=review.notes.strip(),
        marks=marks,
    )


def _anchor(name: str) -> str:
    return f"dimension-{name.replace('_', '-')}"


def _titles(rubric: Rubric | None) -> dict[tuple[str, str], str]:
    if rubric is None:
        return {}
    return {(n, c.id): c.title for n, criteria in rubric.dimensions.items() for c in criteria}


def _judged(review: Review, name: str) -> str:
    mine = [c for c in review.criteria if c.dimension == name]
    filled = [c for c in mine if c.level is not None]
    return f"{len(filled)} of {len(mine)}"
