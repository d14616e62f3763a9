"""Write the `review.toml` an interviewer fills in, beside a `result.json`.

The template lists the criteria no check scored first (those are left to the interviewer),
then every other criterion so the interviewer can disagree, each with its level descriptors;
the follow-up questions come as comments above the notes. An existing review is never
overwritten: writing over it is refused with a one-line error, unless it is still exactly
the template that would be written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from harness.errors import HarnessError
from harness.files import write_text
from harness.models import Criterion, Question, Result
from harness.review import tomltext
from harness.review.model import LEVEL_NAMES, LEVEL_SCORES, REVIEW_FILE
from harness.rubric import Rubric, RubricCriterion

_RULE = "# " + "-" * 88


def review_path(result_path: Path) -> Path:
    """Where the review of this result.json goes: `review.toml` beside it."""
    return result_path.with_name(REVIEW_FILE)


def write_review_template(result_path: Path, rubric: Rubric) -> Path:
    """Write `review.toml` beside `result_path` and return its path; an existing one is kept
    (returned as is when it is still the untouched template, else a HarnessError)."""
    from harness.report.render import read_result  # the report reads result.json already

    result = read_result(result_path)
    path = review_path(result_path)
    text = review_template(result, rubric)
    if path.exists():
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if same:
            return path
        raise HarnessError(
            f"{path}: a review is already there; it is never overwritten",
            hint="edit it, or remove it to start again from a fresh template",
        )
    return write_text(path, text)


def review_template(result: Result, rubric: Rubric) -> str:
    """The text of a fresh `review.toml` for `result`, graded against `rubric`."""
    scored = _automatic(result)
    left = left_to_interviewer(result, rubric)
    checked = [(d, c) for d, c in _criteria(rubric) if (d, c.id) in scored]
    lines = [*_header(result), "", f"submission = {tomltext.string(result.submission.id)}"]
    lines += ['reviewer = ""', 'reviewed = ""  # the date, e.g. "2025-03-20"']
    lines += ["", *_questions(result.followup.questions), 'notes = """', '"""']
    lines += _section("Left to you: no check scored these", left, scored)
    lines += _section("Scored by the checks: set a level only to disagree", checked, scored)
    return "\n".join(lines) + "\n"


def left_to_interviewer(result: Result, rubric: Rubric) -> list[tuple[str, RubricCriterion]]:
    """The rubric's criteria no check scored in `result` (dimension, criterion), in order."""
    scored = _automatic(result)
    return [(d, c) for d, c in _criteria(rubric) if (d, c.id) not in scored]


def _criteria(rubric: Rubric) -> Iterable[tuple[str, RubricCriterion]]:
    for name, criteria in rubric.dimensions.items():
        for criterion in criteria:
            yield name, criterion


def _automatic(result: Result) -> dict[tuple[str, str], Criterion]:
    return {
        (name, c.id): c
        for name, dimension in result.dimensions.items()
        for c in dimension.criteria
        if c.automatic
    }


def _header(result: Result) -> list[str]:
    sub = result.submission
    who = f" ({sub.candidate})" if sub.candidate else ""
    bands = ", ".join(f"{n} {LEVEL_SCORES[n]:g}" for n in LEVEL_NAMES)
    return [
        tomltext.comment(
            f"The interviewer's review of submission {sub.id[:12]}{who}, "
            f"challenge {result.challenge.id} {result.challenge.version}."
        ),
        tomltext.comment(
            f"Graded {result.provenance.created:%Y-%m-%d %H:%M %Z} (file {sub.file})."
        ),
        "#",
        "# Fill in reviewer and reviewed (both needed once any level is set), then for each",
        '# criterion you judged set level to "strong", "adequate" or "weak"; leave "" for one',
        f"# you did not judge. A level stands for a score ({bands});",
        "# to be finer, add score = 0.0 to 1.0 inside the level's band (strong 0.75-1,",
        "# adequate 0.4-0.75, weak 0-0.4). notes are free text. Your scores are shown beside",
        "# the automatic ones, never mixed into them. Run `grade review RESULT.json` again to",
        "# check this file.",
    ]


def _questions(questions: Iterable[Question]) -> list[str]:
    lines = ["# The follow-up questions of the report's interview guide (answers: notes below)."]
    for number, q in enumerate(questions, start=1):
        lines += tomltext.wrapped(q.question, first=f"{number:>2}. ", rest="    ")
        lines += tomltext.wrapped(f"strong answer: {q.strong_answer}", first="    ", rest="      ")
        lines += tomltext.wrapped(f"weak answer: {q.weak_answer}", first="    ", rest="      ")
    if len(lines) == 1:
        lines = ["# The report has no follow-up questions for this submission."]
    return lines


def _section(
    title: str,
    criteria: list[tuple[str, RubricCriterion]],
    scored: dict[tuple[str, str], Criterion],
) -> list[str]:
    if not criteria:
        return []
    lines = ["", "", _RULE, tomltext.comment(title), _RULE]
    for name, criterion in criteria:
        lines += ["", f"[{name}.{criterion.id}]"]
        lines += tomltext.wrapped(f"{criterion.title} (weight {criterion.weight:g})")
        automatic = scored.get((name, criterion.id))
        if automatic is not None and automatic.score is not None:
            level = (automatic.level or "").split(":", 1)[0]
            lines.append(tomltext.comment(f"automatic: {automatic.score:.2f} ({level})"))
        for level_name in LEVEL_NAMES:
            first = f"  {level_name}:".ljust(12)
            lines += tomltext.wrapped(getattr(criterion, level_name), first, " " * 12)
        lines += ['level = ""', 'notes = ""']
    return lines
