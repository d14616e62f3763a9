"""Scoring: a challenge's rubric turns findings into criterion and dimension scores.

A criterion's score is the mean of the scores of the checks that feed it; a dimension's is
the weighted mean of its scored criteria. A criterion no check could score (no checks named,
or every one skipped or crashed) is left to the interviewer: it is marked as not automatic
and kept out of the number, never counted as zero. Scores do not depend on the order of the
findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.models import Criterion, DimensionName, DimensionScore, Finding
from harness.rubric import Rubric, RubricCriterion

LEVELS = (("strong", 0.75), ("adequate", 0.4), ("weak", 0.0))
"""A criterion's level: the first whose lower bound its score reaches."""


def score_dimensions(
    rubric: Rubric, findings: Sequence[Finding]
) -> dict[DimensionName, DimensionScore]:
    """Every dimension of the rubric, scored from the findings."""
    by_check = {f.check: f.score for f in findings}
    return {
        name: _dimension([score_criterion(c, by_check) for c in criteria])
        for name, criteria in rubric.dimensions.items()
    }


def score_criterion(criterion: RubricCriterion, scores: Mapping[str, float | None]) -> Criterion:
    """The mean of the criterion's checks that produced a score, with its level in words."""
    values = [v for v in (scores.get(check) for check in criterion.checks) if v is not None]
    score = round(sum(values) / len(values), 4) if values else None
    return Criterion(
        id=criterion.id,
        title=criterion.title,
        weight=criterion.weight,
        score=score,
        automatic=score is not None,
        level=None if score is None else level_text(criterion, score),
    )


def level_text(criterion: RubricCriterion, score: float) -> str:
    """`strong: <what strong looks like>` for the level the score reaches."""
    name = next(level for level, bound in LEVELS if score >= bound)
    return f"{name}: {getattr(criterion, name)}"


def weighted(criteria: Sequence[Criterion]) -> float | None:
    """The weighted mean of the scored criteria; None when none is scored."""
    scored = [c for c in criteria if c.score is not None]
    total = sum(c.weight for c in scored)
    if not scored or total <= 0:
        return None
    return round(sum(c.weight * c.score for c in scored if c.score is not None) / total, 4)


def _dimension(criteria: list[Criterion]) -> DimensionScore:
    return DimensionScore(score=weighted(criteria), criteria=tuple(criteria))
