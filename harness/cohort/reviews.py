"""The interviewer's scores, from the `review.toml` beside a result (`grade review`).

Read and validated by `harness.review` against the challenge's rubric; shown beside the
harness's scores, never mixed into them. A review that does not validate is a note, never a
crash, and its row shows no interviewer scores.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.cohort.blind import Redactor
from harness.cohort.table import InterviewerScores
from harness.errors import HarnessError
from harness.review import REVIEW_FILE, Review, read_review, review_scores
from harness.rubric import Rubric


def read_interviewer(result_path: Path, rubric: Rubric | None, notes: list[str]) -> Review | None:
    """The review beside `result_path`, or None without one (or with one that is not valid,
    said in `notes`)."""
    beside = result_path.with_name(REVIEW_FILE)
    if rubric is None:
        if beside.is_file():
            notes.append(f"{beside}: not read, the challenge's rubric is not on the search path")
        return None
    try:
        return read_review(result_path, rubric)
    except HarnessError as err:
        notes.append(f"review left out: {err.message}")
        return None


def interviewer_scores(review: Review | None) -> InterviewerScores | None:
    if review is None:
        return None
    return InterviewerScores(
        reviewer=review.reviewer,
        reviewed=review.reviewed,
        criteria={f"{c.dimension}.{c.criterion}": c.score for c in review.filled},
        dimensions=dict(review_scores(review)),
    )


def redacted_review(review: Review, redactor: Redactor) -> Review:
    """The review with the candidate's names taken out of the interviewer's notes."""
    criteria = tuple(replace(c, notes=redactor.text(c.notes)) for c in review.criteria)
    return replace(review, criteria=criteria, notes=redactor.text(review.notes))
