"""The report in a real headless Chromium, with no network: what a hiring manager sees.

Each report is opened from a file:// URL in a browser that runs in an empty network
namespace, with the DevTools protocol's offline mode on and every request recorded. The
screenshots and PDF prints land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.models import DIMENSION_NAMES, Result, TrapVerdict
from harness.report import write_report
from harness.report.formats import Score
from harness.report.view import DIMENSIONS
from tests.report.chromium import Browser, Page
from tests.report.sample import HOSTILE, hostile_result, sample_result

pytestmark = pytest.mark.browser

VISIBLE = (
    "[...document.querySelectorAll({selector!r})].map(e => [e.checkVisibility(), e.innerText])"
)


def open_report(browser: Browser, result: Result, folder: Path) -> tuple[Page, str]:
    url = write_report(result, folder / "report.html").as_uri()
    page = browser.new_page()
    page.open(url)
    return page, url


def visible_texts(page: Page, selector: str) -> list[str]:
    found = page.evaluate(VISIBLE.format(selector=selector))
    assert found, f"nothing matches {selector}"
    assert all(shown for shown, _ in found), f"{selector}: some are hidden"
    return [" ".join(text.split()) for _, text in found]


@pytest.mark.parametrize("verdict", ["handled", "missed"])
def test_the_report_shows_scores_trap_and_questions(
    browser: Browser, tmp_path: Path, artifacts: Path, verdict: TrapVerdict
) -> None:
    result = sample_result(verdict)
    page, url = open_report(browser, result, tmp_path)
    rows = visible_texts(page, ".score-row")
    for name, row in zip(DIMENSION_NAMES, rows, strict=True):
        expected = Score.of(result.dimensions[name].score).text
        assert row == f"{DIMENSIONS[name][0]} {expected}", row
    verdicts = visible_texts(page, ".masthead .verdict")
    assert result.trap.summary in verdicts[0]
    questions = visible_texts(page, ".question-text")
    for number, question in enumerate(result.followup.questions, start=1):
        assert questions[number - 1] == f"{number} {question.question}"
    assert browser.requests(page) == [url], "the page asked for something beyond itself"
    page.screenshot(artifacts / f"report-{verdict}.png")
    assert_printable(page.pdf(artifacts / f"report-{verdict}.pdf"))


def assert_printable(pdf: Path) -> None:
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 50_000
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 4


def test_print_hides_logs_and_keeps_the_guide(browser: Browser, tmp_path: Path) -> None:
    page, _ = open_report(browser, sample_result("missed"), tmp_path)
    page.send("Emulation.setEmulatedMedia", media="print")
    try:
        hidden = page.evaluate(VISIBLE.format(selector="details.log"))
        assert hidden and not any(shown for shown, _ in hidden)
        assert len(visible_texts(page, ".answer.strong")) == len(visible_texts(page, ".question"))
        assert page.evaluate("getComputedStyle(document.querySelector('#trap')).breakBefore") == (
            "page"
        )
    finally:
        page.send("Emulation.setEmulatedMedia", media="")


def test_html_from_a_submission_is_shown_as_text(
    browser: Browser, tmp_path: Path, artifacts: Path
) -> None:
    page, url = open_report(browser, hostile_result(), tmp_path)
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelector('h1').innerText") == HOSTILE
    assert page.evaluate("document.querySelectorAll('h1 *').length") == 0
    assert browser.requests(page) == [url]
    page.screenshot(artifacts / "report-hostile.png")


def test_the_request_log_would_catch_a_load(browser: Browser, tmp_path: Path) -> None:
    """The no-request assertions above are only worth something if a load would be seen."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<img src="http://example.invalid/pixel.png">', encoding="utf-8")
    page = browser.new_page()
    page.open(leaky.as_uri())
    assert "http://example.invalid/pixel.png" in browser.requests(page)
