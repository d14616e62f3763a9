"""Golden-file tests of the rendered report, after dates, versions and paths are scrubbed.

The inlined stylesheet is scrubbed too: it is the harness's own file, and how it looks is
what the browser tests' screenshots are for; the golden files pin the page's content and
structure.

When the page changes on purpose, update the golden files and review the diff:

    GRADE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report

On a mismatch the new output is saved beside the golden file as `<name>.actual.html`
(ignored by git), so `diff tests/report/golden/<name>.html tests/report/golden/<name>.actual.html`
shows what changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from harness import __version__
from harness.models import TrapVerdict
from harness.report import render_report
from tests.report.sample import REPO, sample_result

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "GRADE_UPDATE_GOLDEN"
SCRUBS = (
    (re.compile(r"<style>.*?</style>", re.S), "<style><STYLESHEET></style>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?UTC|Z|[+-]\d{2}:\d{2})?"),
     "<DATE>"),
    (re.compile(r"grade " + re.escape(__version__)), "grade <VERSION>"),
    (re.compile(re.escape(str(REPO))), "<REPO>"),
    (re.compile(re.escape(tempfile.gettempdir()) + r"/[\w.-]+"), "<TMP>"),
)  # fmt: skip


def scrub(html: str) -> str:
    """The page with what changes from run to run or release to release replaced."""
    for pattern, replacement in SCRUBS:
        html = pattern.sub(replacement, html)
    return html


def check_golden(name: str, html: str) -> None:
    expected_file = GOLDEN / f"{name}.html"
    actual_file = GOLDEN / f"{name}.actual.html"
    actual = scrub(html)
    if os.environ.get(UPDATE):
        expected_file.write_text(actual, encoding="utf-8")
        actual_file.unlink(missing_ok=True)
        return
    expected = expected_file.read_text(encoding="utf-8") if expected_file.exists() else None
    if actual == expected:
        actual_file.unlink(missing_ok=True)
        return
    actual_file.write_text(actual, encoding="utf-8")
    pytest.fail(
        f"the report differs from {expected_file.relative_to(REPO)}; the new output is in "
        f"{actual_file.relative_to(REPO)}. If the change is intended, run: "
        f"{UPDATE}=1 .venv/bin/pytest tests/report"
    )


@pytest.mark.parametrize("verdict", ["handled", "missed"])
def test_report_matches_golden(verdict: TrapVerdict) -> None:
    check_golden(verdict, render_report(sample_result(verdict)))


def test_scrub_hides_what_varies() -> None:
    text = f"graded 2025-03-14 09:30 UTC by grade {__version__} in {REPO}/reports/x"
    assert scrub(text) == "graded <DATE> by grade <VERSION> in <REPO>/reports/x"
