"""The report beside a review and a similarity file: the interviewer's scores shown beside the
automatic ones and never mixed in; similarity as a question; broken files as one-line notes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.models import DIMENSION_NAMES
from harness.report import read_result, render_report, rerender
from harness.report.formats import Score
from harness.report.render import REPORT_NAME
from harness.report.reviewed import read_beside
from harness.report.similar import SIMILARITY_FILE
from harness.review import REVIEW_FILE
from tests.report.test_golden import scrub
from tests.review.filling import graded_folder, write_filled

LEVELS = {
    ("data_judgment", "cleaning"): ("adequate", "Handled most of it <b>by hand</b>"),
    ("communication", "writeup"): ("strong", "Plain words"),
    ("correctness", "holdout"): ("weak", "I disagree: <script>alert(1)</script>"),
}
SIMILARITY = {
    "engine": "copydetect 0.5",
    "threshold": 0.6,
    "pairs": [
        {
            "other": "reference:careful",
            "other_label": "the careful reference",
            "score": 0.83,
            "fragments": [
                {
                    "file": "src/train.py",
                    "lines": [3, 40],
                    "other_file": "train.py",
                    "other_lines": [1, 38],
                    "excerpt": "def main():\n    frame = load('<img src=x>')",
                }
            ],
        },
        {
            "other": "f" * 64,
            "other_label": "Bob \u202eevil",
            "score": 0.71,
            "fragments": [],
        },
    ],
}
NETWORK_REF = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", re.I)


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    result_json = graded_folder(tmp_path)
    write_filled(result_json, LEVELS, reviewer="Grace Hopper", reviewed="2025-03-20",
                 notes="Strong on the trap.\nAsk again about monitoring.")  # fmt: skip
    return result_json


def page_of(result_json: Path) -> str:
    return rerender(result_json).read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    found = re.search(rf'<section class="major [a-z ]+" id="{anchor}">.*?</section>', html, re.S)
    assert found, anchor
    return found.group(0)


def test_the_interviewers_scores_sit_beside_the_automatic_ones(reviewed: Path) -> None:
    html = page_of(reviewed)
    review = section(html, "review")
    assert "Reviewed by <b>Grace Hopper</b> on <b>2025-03-20</b>" in review
    result = read_result(reviewed)
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", review)
    assert len(rows) == len(DIMENSION_NAMES)
    correctness = next(row for row in rows if "Correctness" in row)
    harness_text = Score.of(result.dimensions["correctness"].score).text
    assert re.search(
        rf">{harness_text}</span></td><td class=\"num\"><span class=\"score poor\">0<", correctness
    )
    deployment = next(row for row in rows if "Deployment" in row)
    assert "not scored" in deployment  # nothing judged there
    assert "0 of" in deployment
    assert "Strong on the trap.\nAsk again about monitoring." in review
    assert "I disagree: &lt;script&gt;alert(1)&lt;/script&gt;" in review
    assert "<script" not in html.lower()
    assert 'href="#review"' in html
    header = html[html.index('<header class="masthead"') : html.index("</header>")]
    assert "(by Grace Hopper, 2025-03-20)" in header


def test_the_automatic_scores_are_unchanged_by_a_review(reviewed: Path) -> None:
    result = read_result(reviewed)
    bare = render_report(result)
    html = page_of(reviewed)
    bars = r'<a class="score-row".*?</a>'
    assert re.findall(bars, html) == re.findall(bars, bare)
    for name in DIMENSION_NAMES:
        head = rf'<section class="dimension" id="dimension-{name.replace("_", "-")}">.*?</header>'
        assert re.search(head, html, re.S).group(0) == re.search(head, bare, re.S).group(0)  # type: ignore[union-attr]
    assert read_result(reviewed) == result


def test_the_criteria_tables_gain_the_interviewers_column(reviewed: Path) -> None:
    html = page_of(reviewed)
    assert html.count('<th class="interviewer">') == len(DIMENSION_NAMES)
    assert '<td class="interviewer">weak <span class="score poor">0</span></td>' in html
    assert '<td class="interviewer">adequate <span class="score fair">50</span></td>' in html


def test_without_a_review_or_similarity_the_page_is_the_plain_report(tmp_path: Path) -> None:
    result_json = graded_folder(tmp_path)
    html = page_of(result_json)
    assert scrub(html) == scrub(render_report(read_result(result_json)))
    assert 'id="review"' not in html and 'id="similarity"' not in html


def test_a_broken_review_is_a_one_line_note(reviewed: Path) -> None:
    path = reviewed.with_name(REVIEW_FILE)
    path.write_text(path.read_text(encoding="utf-8").replace('"strong"', '"stellar"'), "utf-8")
    review = section(page_of(reviewed), "review")
    assert re.search(
        r'<p class="note broken">review.toml was left out: .*review.toml:\d+: ', review
    )
    assert "unknown level" in review and "<table" not in review


def test_the_similarity_section_asks_a_question(reviewed: Path) -> None:
    reviewed.with_name(SIMILARITY_FILE).write_text(json.dumps(SIMILARITY), encoding="utf-8")
    html = page_of(reviewed)
    similar = section(html, "similarity")
    assert (
        "src/train.py shares long stretches with the careful reference, the challenge&#39;s own "
        "solution: ask how they wrote them." in similar
    )
    assert "83% shared" in similar and "71% shared" in similar
    assert "src/train.py:3-40" in similar and "train.py:1-38" in similar
    assert "load(&#39;&lt;img src=x&gt;&#39;)" in similar
    assert "\u202e" not in html and "Bob evil" in similar
    assert "No score changes" in similar
    assert 'href="#similarity"' in html
    assert not NETWORK_REF.search(html) and "<img" not in html
    bare = render_report(read_result(reviewed))
    bars = r'<a class="score-row".*?</a>'
    assert re.findall(bars, html) == re.findall(bars, bare)


def test_no_pair_above_the_threshold_says_so(tmp_path: Path) -> None:
    result_json = graded_folder(tmp_path)
    empty = {"engine": "copydetect 0.5", "threshold": 0.6, "pairs": []}
    result_json.with_name(SIMILARITY_FILE).write_text(json.dumps(empty), encoding="utf-8")
    assert "No pair reached the threshold" in section(page_of(result_json), "similarity")


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({**SIMILARITY, "threshold": 7}),
        json.dumps({"engine": "copydetect", "pairs": [{"other": "x", "score": "high"}]}),
        json.dumps([1, 2]),
        "\xff\xfe",
    ],
)
def test_a_broken_similarity_file_is_a_note_never_a_crash(tmp_path: Path, text: str) -> None:
    result_json = graded_folder(tmp_path)
    result_json.with_name(SIMILARITY_FILE).write_text(text, encoding="utf-8")
    similar = section(page_of(result_json), "similarity")
    assert re.fullmatch(
        r'<section class="major similarity" id="similarity">\s*<h2>Similarity</h2>\s*'
        r'<p class="note broken">similarity.json is broken and was left out: [^\n<]+</p>'
        r"\s*</section>",
        similar,
    ), similar


def test_a_review_of_a_challenge_off_the_search_path_is_a_note(reviewed: Path) -> None:
    result = read_result(reviewed)
    elsewhere = result.model_copy(
        update={"challenge": result.challenge.model_copy(update={"id": "not-here"})}
    )
    beside = read_beside(reviewed, elsewhere)
    assert beside.review is None and "no challenge 'not-here'" in beside.review_note


def test_grade_report_renders_the_review(reviewed: Path) -> None:
    outcome = CliRunner().invoke(cli, ["report", str(reviewed)])
    assert outcome.exit_code == 0, outcome.output
    html = reviewed.with_name(REPORT_NAME).read_text(encoding="utf-8")
    assert 'id="review"' in html and "Grace Hopper" in html
