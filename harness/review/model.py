"""The interviewer's review of one graded submission, as read from `review.toml`.

A review holds the interviewer's own level for some rubric criteria, who reviewed and when,
and free notes. It is never mixed into the automatic scores: `review_scores` gives the
interviewer's dimension scores on their own, for the report and the cohort page to show beside
the automatic ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.models import DIMENSION_NAMES, DimensionName

REVIEW_FILE = "review.toml"
"""The review's file name, beside the result.json it reviews."""

LEVEL_SCORES: Mapping[str, float] = {"strong": 1.0, "adequate": 0.5, "weak": 0.0}
"""The rubric's levels, best first, and the score the interviewer's level stands for."""

LEVEL_NAMES: tuple[str, ...] = tuple(LEVEL_SCORES)


@dataclass(frozen=True)
class CriterionReview:
    """The interviewer's verdict on one rubric criterion; `level` None: not judged."""

    dimension: str
    criterion: str
    level: str | None
    score: float | None
    notes: str
    weight: float = 1.0
    """The criterion's weight in the rubric, for the interviewer's dimension score."""

    @property
    def filled(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class Review:
    """A whole `review.toml`: every criterion of the rubric, in rubric order."""

    reviewer: str
    reviewed: str
    criteria: tuple[CriterionReview, ...]
    notes: str

    @property
    def filled(self) -> tuple[CriterionReview, ...]:
        """The criteria the interviewer gave a level."""
        return tuple(c for c in self.criteria if c.level is not None)

    def get(self, dimension: str, criterion: str) -> CriterionReview | None:
        return next(
            (c for c in self.criteria if c.dimension == dimension and c.criterion == criterion),
            None,
        )


def review_scores(review: Review) -> Mapping[str, float | None]:
    """Per dimension (all five, in order), the interviewer's own score: the mean of the
    criteria they filled in, weighted by the rubric's weights; None for a dimension where they
    filled in nothing."""
    dimensions: list[str] = list(DIMENSION_NAMES)
    dimensions += [c.dimension for c in review.criteria if c.dimension not in dimensions]
    scores: dict[str, float | None] = {}
    for name in dimensions:
        scored = [
            (c.score, c.weight)
            for c in review.filled
            if c.dimension == name and c.score is not None
        ]
        total = sum(weight for _, weight in scored)
        scores[name] = sum(s * w for s, w in scored) / total if total > 0 else None
    return scores


def dimension_of(name: str) -> DimensionName | None:
    """`name` as a dimension name, or None."""
    return next((d for d in DIMENSION_NAMES if d == name), None)
