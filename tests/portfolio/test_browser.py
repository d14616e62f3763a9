"""The portfolio report in a real headless Chromium with no network: what a reviewer sees on
screen and on A4 (screenshots and the print land in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.portfolio.model import AREA_LABELS, AREA_NAMES
from harness.portfolio.review import Reviewed, ReviewOptions, review_repository
from harness.report.formats import Score
from tests.portfolio import gitrepos
from tests.report.chromium import Browser, Page

pytestmark = pytest.mark.browser

VISIBLE = (
    "[...document.querySelectorAll({selector!r})].map(e => [e.checkVisibility(), e.innerText])"
)


def texts(page: Page, selector: str) -> list[str]:
    found = page.evaluate(VISIBLE.format(selector=selector))
    assert found, f"nothing matches {selector}"
    assert all(shown for shown, _ in found), f"{selector}: some are hidden"
    return [" ".join(text.split()) for _, text in found]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    base = tmp_path_factory.mktemp("browser")
    repo = gitrepos.deployed_service(base / "churn-service", "fastapi==0.110.0\n")
    return review_repository(str(repo.root), ReviewOptions(out=base / "out", run_tests=False),
                             lambda _line: None)  # fmt: skip


def test_the_review_shows_areas_flags_and_questions(
    browser: Browser, service: Reviewed, artifacts: Path
) -> None:
    url = service.report_file.as_uri()
    page = browser.new_page()
    page.open(url)
    rows = texts(page, ".score-row")
    for name, row in zip(AREA_NAMES, rows, strict=True):
        assert row == f"{AREA_LABELS[name]} {Score.of(service.result.areas[name].score).text}"
    questions = texts(page, ".question-text")
    for number, question in enumerate(service.result.followup.questions, start=1):
        assert questions[number - 1] == f"{number} {' '.join(question.question.split())}"
    green = texts(page, ".flag-list.green li")
    assert any("churn/api.py serves the model with FastAPI" in flag for flag in green)
    for anchor in page.evaluate("[...document.querySelectorAll('.flag-list a')].map(a => a.hash)"):
        assert page.evaluate(f"!!document.getElementById({anchor[1:]!r})"), anchor
    assert browser.requests(page) == [url], "the page asked for something beyond itself"
    page.screenshot(artifacts / "portfolio-service.png")
    pdf = page.pdf(artifacts / "portfolio-service.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 4


def test_print_keeps_the_guide_and_drops_the_logs(browser: Browser, service: Reviewed) -> None:
    page = browser.new_page()
    page.open(service.report_file.as_uri())
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('#areas')).breakBefore") == (
        "page"
    )
    assert len(texts(page, ".answer.strong")) == len(service.result.followup.questions)
    assert page.evaluate("document.scripts.length") == 0
