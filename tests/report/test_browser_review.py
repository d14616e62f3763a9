"""The report with an interviewer's review and a similarity file, in real headless Chromium
with no network: the interviewer's scores are visible beside the harness's, the similarity
section asks its question, the page loads nothing and still prints on A4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.models import DIMENSION_NAMES
from harness.report import read_result, rerender
from harness.report.formats import Score
from harness.report.similar import SIMILARITY_FILE
from harness.report.view import DIMENSIONS
from tests.report.chromium import Browser
from tests.report.test_browser import assert_printable, visible_texts
from tests.report.test_review_report import LEVELS, SIMILARITY
from tests.review.filling import graded_folder, write_filled

pytestmark = pytest.mark.browser


def test_the_review_and_similarity_show_in_a_browser(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    result_json = graded_folder(tmp_path)
    write_filled(result_json, LEVELS, reviewer="Grace Hopper", reviewed="2025-03-20",
                 notes="Strong on the trap.")  # fmt: skip
    result_json.with_name(SIMILARITY_FILE).write_text(json.dumps(SIMILARITY), encoding="utf-8")
    url = rerender(result_json).as_uri()
    page = browser.new_page()
    page.open(url)
    result = read_result(result_json)

    rows = visible_texts(page, ".score-row")
    for name, row in zip(DIMENSION_NAMES, rows, strict=True):
        assert row == f"{DIMENSIONS[name][0]} {Score.of(result.dimensions[name].score).text}"
    who = visible_texts(page, "#review .review-who")[0]
    assert who.startswith("Reviewed by Grace Hopper on 2025-03-20.")
    table = visible_texts(page, "#review .review-scores tbody tr")
    correctness = Score.of(result.dimensions["correctness"].score).text
    assert table[0].split("\t")[0].startswith("Correctness")
    assert " ".join(table[0].split()) == f"Correctness {correctness} 0 1 of 2"
    judged = visible_texts(page, "#review .review-criteria tbody tr")
    assert len(judged) == len(LEVELS)
    assert any("I disagree: <script>alert(1)</script>" in row for row in judged)
    assert visible_texts(page, "#similarity .similar-pair .question-text")[0].endswith(
        "ask how they wrote them."
    )
    assert page.evaluate("document.scripts.length") == 0
    assert browser.requests(page) == [url], "the page asked for something beyond itself"
    page.screenshot(artifacts / "report-reviewed.png")
    assert_printable(page.pdf(artifacts / "report-reviewed.pdf"))
