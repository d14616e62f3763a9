"""The interviewer's side: `grade review` writes `review.toml` beside a `result.json`.

The file lists every rubric criterion (those no check scored first) with its level
descriptors, the follow-up questions as comments, and room for notes; the interviewer fills
in a level per criterion they judged, their name and the date. `read_review` validates it
against the rubric (an unknown criterion or level is an error naming the file and the line),
and `review_scores` gives the interviewer's own dimension scores, never mixed into the
automatic ones.
"""

from __future__ import annotations

from harness.review.model import (
    LEVEL_NAMES,
    LEVEL_SCORES,
    REVIEW_FILE,
    CriterionReview,
    Review,
    review_scores,
)
from harness.review.reader import read_review
from harness.review.rubric_for import rubric_for_result
from harness.review.template import review_template, write_review_template

__all__ = [
    "LEVEL_NAMES",
    "LEVEL_SCORES",
    "REVIEW_FILE",
    "CriterionReview",
    "Review",
    "read_review",
    "review_scores",
    "review_template",
    "rubric_for_result",
    "write_review_template",
]
