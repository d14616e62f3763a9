"""Fill in a `review.toml` template the way an interviewer does: by editing its text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.models import TrapVerdict
from harness.report.render import read_result
from harness.review import REVIEW_FILE, rubric_for_result, write_review_template
from harness.review.tomltext import string
from tests.report.sample import sample_result

Levels = Mapping[tuple[str, str], tuple[str, str]]
"""(dimension, criterion) -> (level, notes)."""


def fill(text: str, levels: Levels, reviewer: str = "", reviewed: str = "", notes: str = "") -> str:
    """`text` with a level and notes set under each criterion's table, and the top keys set."""
    lines = text.splitlines()
    table = ""
    for number, line in enumerate(lines):
        if line.startswith("["):
            table = line.strip("[]")
            continue
        dimension, _, criterion = table.partition(".")
        if (dimension, criterion) in levels:
            level, note = levels[(dimension, criterion)]
            if line == 'level = ""':
                lines[number] = f"level = {string(level)}"
            elif line == 'notes = ""':
                lines[number] = f"notes = {string(note)}"
        elif not table and line.startswith('reviewer = ""'):
            lines[number] = f"reviewer = {string(reviewer)}"
        elif not table and line.startswith('reviewed = ""'):
            lines[number] = f"reviewed = {string(reviewed)}"
        elif not table and line == 'notes = """' and notes:
            lines[number] = f'notes = """\n{notes}'
    return "\n".join(lines) + "\n"


def graded_folder(folder: Path, verdict: TrapVerdict = "handled") -> Path:
    """A result.json of the sample customer-churn grading, saved in `folder`."""
    path = folder / "result.json"
    path.write_text(sample_result(verdict).to_json(), encoding="utf-8")
    return path


def write_filled(result_json: Path, levels: Levels, **top: str) -> Path:
    """Write the template beside `result_json`, then fill it in."""
    rubric = rubric_for_result(read_result(result_json))
    path = write_review_template(result_json, rubric)
    path.write_text(fill(path.read_text(encoding="utf-8"), levels, **top), encoding="utf-8")
    assert path.name == REVIEW_FILE
    return path
