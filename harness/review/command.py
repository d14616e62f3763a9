"""`grade review RESULT.json`: write the review template, or check the one already there."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.review.model import REVIEW_FILE
from harness.review.reader import read_review
from harness.review.rubric_for import rubric_for_result
from harness.review.template import left_to_interviewer, review_path, write_review_template


def review_command(result_json: Path, challenges: Sequence[Path] = ()) -> str:
    """Write `review.toml` beside `result_json` when there is none; else validate it (a
    problem is a HarnessError naming the line). Returns the line to print."""
    from harness.report.printable import printable
    from harness.report.render import read_result

    result = read_result(result_json)
    rubric = rubric_for_result(result, challenges)
    path = review_path(result_json)
    if not path.exists():
        write_review_template(result_json, rubric)
        left = len(left_to_interviewer(result, rubric))
        criteria = f"{left} criterion" if left == 1 else f"{left} criteria"
        return (
            f"wrote {path}: {criteria} left to you; fill in reviewer, reviewed and a "
            f"level per criterion you judged, then run `grade review {result_json}` to check it"
        )
    review = read_review(result_json, rubric)
    if review is None:  # removed in between
        return f"{path}: gone; run `grade review {result_json}` again for a fresh {REVIEW_FILE}"
    if not review.filled:
        return f"{path}: valid, no criterion has a level yet"
    who = " ".join(printable(review.reviewer).split())  # the terminal shows what was typed
    return (
        f"{path}: valid; {len(review.filled)} of {len(review.criteria)} criteria judged by "
        f"{who} on {review.reviewed}; `grade report {result_json}` shows them"
    )
