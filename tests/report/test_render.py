"""The rendered page: escaping, self-containment, links, scores, atomic writes, `grade report`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.errors import HarnessError
from harness.models import Result, StageResult
from harness.report import read_result, render, render_report, rerender, write_report
from tests.report.sample import HOSTILE, hostile_result, sample_result

NETWORK_REF = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:)?//""", re.I)


@pytest.fixture(scope="module")
def missed_html() -> str:
    return render_report(sample_result("missed"))


def test_submission_text_renders_as_text() -> None:
    html = render_report(hostile_result())
    assert "<script" not in html.lower()
    assert "<b>bold</b>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html


def test_the_page_loads_nothing(missed_html: str) -> None:
    assert not NETWORK_REF.search(missed_html)
    for tag in ("<script", "<link", "<img", "<iframe", "@import", "url(", "@font-face"):
        assert tag not in missed_html.lower(), tag
    assert "default-src 'none'" in missed_html


def test_every_link_lands_on_the_page(missed_html: str) -> None:
    targets = set(re.findall(r'href="#([^"]+)"', missed_html))
    ids = set(re.findall(r'id="([^"]+)"', missed_html))
    assert targets and targets <= ids, targets - ids


def test_missing_scores_read_not_scored_never_zero(missed_html: str) -> None:
    row = re.search(r'<a class="score-row" href="#dimension-communication">.*?</a>', missed_html)
    assert row is not None
    assert "not scored" in row.group(0)
    assert ">0<" not in row.group(0)


def test_unknown_check_and_crashed_check_still_render(missed_html: str) -> None:
    assert "code.docstrings" in missed_html
    assert "check crashed" in missed_html and "ZeroDivisionError" in missed_html


def test_print_stylesheet_is_a4_and_hides_logs(missed_html: str) -> None:
    assert "@page { size: A4;" in missed_html
    print_rules = missed_html[missed_html.index("@media print") :]
    assert "details.log" in print_rules and "break-before: page" in print_rules


def test_a_huge_submission_stays_under_one_megabyte() -> None:
    base = sample_result("missed")
    noisy = StageResult(verdict="output_limit", reason="more than 20 MB of output",
                        log_head="<x>" * 11_000, log_tail="y" * 33_000)  # fmt: skip
    stages = {name: noisy for name in ("install", "train", "predict", "test", "serve")}
    findings = tuple(
        f.model_copy(update={"evidence": tuple(e.model_copy(update={"excerpt": "&" * 50_000})
                                               for e in f.evidence)})
        for f in base.findings
    )  # fmt: skip
    html = render_report(base.model_copy(update={"stages": stages, "findings": findings}))
    assert len(html.encode()) < 1_000_000
    assert "result.json holds" in html


def test_write_report_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = write_report(sample_result("handled"), tmp_path / "report.html")
    before = out.read_bytes()

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", broken)
    with pytest.raises(HarnessError, match="No space left"):
        write_report(sample_result("missed"), out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failed_render_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_result: object) -> str:
        raise RuntimeError("template bug")

    monkeypatch.setattr(render, "render_report", broken)
    with pytest.raises(RuntimeError):
        write_report(sample_result("handled"), tmp_path / "report.html")
    assert list(tmp_path.iterdir()) == []


def test_rerender_round_trips_result_json(tmp_path: Path) -> None:
    result = sample_result("missed")
    saved = tmp_path / "result.json"
    saved.write_text(result.to_json(), encoding="utf-8")
    assert read_result(saved) == result
    out = rerender(saved)
    assert out == tmp_path / "report.html"
    assert out.read_text(encoding="utf-8") == render_report(result)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "Invalid JSON"),
        ('{"schema_version": "1.0"}', "submission: Field required"),
        ("", "Invalid JSON"),
    ],
)
def test_a_bad_result_json_is_one_line(tmp_path: Path, content: str, problem: str) -> None:
    bad = tmp_path / "result.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        read_result(bad)
    assert problem in caught.value.one_line() and str(bad) in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_grade_report_command(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(sample_result("handled").to_json(), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["report", str(saved), "--out", str(tmp_path / "r.html")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r.html").is_file() and "wrote" in done.output
    default = runner.invoke(cli, ["report", str(saved)])
    assert default.exit_code == 0 and (tmp_path / "report.html").is_file()


def test_grade_report_refuses_a_bad_file_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "result.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    done = CliRunner().invoke(cli, ["report", str(bad)])
    assert done.exit_code == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("grade: error:") and "result.json" in lines[0]
    assert not (tmp_path / "report.html").exists()


def test_candidate_name_is_escaped_in_the_title() -> None:
    html = render_report(hostile_result())
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and "&lt;script&gt;" in title.group(1)
    assert HOSTILE not in html


def test_a_bare_result_renders() -> None:
    """Nothing ran, nothing was checked or scored: the page still says so, in words."""
    base = sample_result("unknown", with_followup=False)
    bare = Result(submission=base.submission, challenge=base.challenge,
                  provenance=base.provenance.model_copy(update={"backend": "local"}))  # fmt: skip
    html = render_report(bare)
    assert html.count("not scored") >= 5
    assert "No stage ran." in html and "carries no follow-up guide" in html
    assert "local</b> backend" in html


def test_every_registered_check_has_a_title_for_readers() -> None:
    from harness.checks import known_check_ids
    from harness.report.view import CHECK_TITLES

    assert set(known_check_ids()) <= set(CHECK_TITLES)
