"""The cohort page in a real headless Chromium with no network: every row shows, the page asks
for nothing beyond itself, and it prints on A4 (screenshot and PDF in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cohort import CohortOptions, build_cohort
from tests.cohort.folders import PEOPLE, cohort_folder
from tests.report.chromium import Browser
from tests.report.test_browser import visible_texts

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("blind", [False, True])
def test_the_cohort_page_shows_every_row(
    browser: Browser, tmp_path: Path, artifacts: Path, blind: bool
) -> None:
    folder = cohort_folder(tmp_path / "batch")
    written = build_cohort(folder, CohortOptions(blind=blind, sort="total"))
    url = written.page.as_uri()
    page = browser.new_page()
    page.open(url)
    rows = visible_texts(page, "tr.cohort-row")
    assert len(rows) == len(PEOPLE)
    for person in PEOPLE:
        shown = [row for row in rows if (person.name in row) != blind]
        assert shown, person.name
    if blind:
        assert all(row.split()[1] == "Candidate" for row in rows)
    charts = page.evaluate("document.querySelectorAll('figure.chart svg rect.bin').length")
    assert charts == 5 * 10
    assert browser.requests(page) == [url], "the page asked for something beyond itself"
    name = "cohort-blind" if blind else "cohort"
    page.screenshot(artifacts / f"{name}.png")
    pdf = page.pdf(artifacts / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2
