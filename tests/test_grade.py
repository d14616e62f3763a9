"""`grade SUBMISSION.zip` end to end in the real sandbox, on every bundled challenge: the
careful reference handles the trap and the naive one misses it, the careful one scores far
higher on data judgment and not lower anywhere, a naive copy that only *claims* to have fixed
the trap is not `handled`, every finding has evidence, and result.json follows its schema.

These are the issue's acceptance runs: each grades three real submissions per challenge."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from harness.challenges.catalog import BUNDLED
from harness.models import DIMENSION_NAMES, Result, result_json_schema
from harness.packing import zip_folder
from tests.report.chromium import Browser
from tests.report.test_browser import assert_printable, visible_texts

pytestmark = pytest.mark.docker
GRADE = Path(sys.executable).with_name("grade")
CHALLENGES = ("customer-churn", "equipment-resale", "pump-failure")
CLAIMS = {
    "customer-churn": "We found that retention_calls is leakage: it is recorded after the "
    "outcome, so we removed it and the model no longer uses it.",
    "equipment-resale": "Dealer prices are in cents, not dollars: we divided by 100 to fix "
    "the mixed units before training.",
    "pump-failure": "The same pump appears in many rows, so we validated with GroupKFold by "
    "pump to avoid leakage and measure on unseen pumps.",
}
"""What a naive candidate might write to look careful, while the code stays the same."""
JUDGMENT_MARGIN = 0.3
REPORTS: dict[str, Path] = {}
"""The report.html of each graded submission, by submission id."""


@dataclass(frozen=True)
class Graded:
    """What `grade SUBMISSION.zip` wrote, and what it printed."""

    result: Result
    report: Path
    done: subprocess.CompletedProcess[str]


def grade(zip_path: Path, out: Path) -> Graded:
    done = subprocess.run(
        [GRADE, str(zip_path), "--out", str(out)],
        capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    written = next(out.glob("*/result.json"))
    return Graded(Result.from_json(written.read_text()), written.with_name("report.html"), done)


@pytest.fixture(scope="module", params=CHALLENGES)
def graded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sandbox_image: str
) -> Iterator[dict[str, Result]]:
    """The careful, naive and naive-that-claims-a-fix references of one challenge, graded."""
    challenge_id: str = request.param
    tmp = tmp_path_factory.mktemp(challenge_id)
    folders = {kind: BUNDLED / challenge_id / "reference" / kind for kind in ("careful", "naive")}
    claims = shutil.copytree(folders["naive"], tmp / "claims")
    writeup = claims / "README.md"
    writeup.write_text(writeup.read_text() + "\n## Data problems\n\n" + CLAIMS[challenge_id] + "\n")
    folders["claims"] = claims
    results = {}
    for kind, folder in folders.items():
        zipped = zip_folder(folder, tmp / f"{kind}.zip")
        run = grade(zipped, tmp / f"out-{kind}")
        results[kind], REPORTS[run.result.submission.id] = run.result, run.report
    yield results


def scores(result: Result) -> dict[str, float | None]:
    return {name: result.dimensions[name].score for name in DIMENSION_NAMES}


def test_the_careful_reference_handles_the_trap_and_the_naive_one_misses_it(
    graded: dict[str, Result],
) -> None:
    careful, naive = graded["careful"], graded["naive"]
    assert careful.trap.verdict == "handled", careful.trap.summary
    assert naive.trap.verdict == "missed", naive.trap.summary
    assert careful.trap.summary.startswith("Handled") and naive.trap.summary.startswith("Missed")


def test_the_careful_reference_scores_far_higher_on_judgment_and_not_lower_anywhere(
    graded: dict[str, Result],
) -> None:
    careful, naive = scores(graded["careful"]), scores(graded["naive"])
    assert None not in careful.values() and None not in naive.values(), (careful, naive)
    assert careful["data_judgment"] >= naive["data_judgment"] + JUDGMENT_MARGIN, (careful, naive)  # type: ignore[operator]
    for name in DIMENSION_NAMES:
        assert careful[name] >= naive[name], (name, careful, naive)  # type: ignore[operator]


def test_words_alone_do_not_handle_the_trap(graded: dict[str, Result]) -> None:
    claims = graded["claims"]
    assert claims.trap.verdict == "noticed_not_handled", claims.trap.summary
    writeup = next(f for f in claims.findings if f.check == "trap.writeup")
    assert writeup.status == "pass"
    assert scores(claims)["data_judgment"] < scores(graded["careful"])["data_judgment"]  # type: ignore[operator]


def test_every_finding_has_evidence_and_the_result_follows_its_schema(
    graded: dict[str, Result],
) -> None:
    for kind, result in graded.items():
        for finding in result.findings:
            assert finding.evidence, (kind, finding.check, finding.message)
        assert not [f.check for f in result.findings if f.status == "error"], kind
        jsonschema.validate(json.loads(result.to_json()), result_json_schema())
        assert result.metrics.holdout is not None and result.metrics.baseline is not None
        assert set(result.metrics.references) == {"naive", "careful"}
        assert result.provenance.backend == "docker" and result.provenance.image_id


def test_grading_the_same_zip_twice_gives_the_same_scores(
    tmp_path: Path, sandbox_image: str
) -> None:
    zipped = zip_folder(BUNDLED / "customer-churn" / "reference" / "naive", tmp_path / "n.zip")
    once, twice = grade(zipped, tmp_path / "one"), grade(zipped, tmp_path / "two")
    first, second, done = once.result, twice.result, once.done
    assert first.dimensions == second.dimensions
    # messages and logs carry timings ("1 passed in 0.26s"); the judgements do not move
    assert [(f.check, f.status, f.score) for f in first.findings] == [
        (f.check, f.status, f.score) for f in second.findings
    ]
    assert first.trap == second.trap.model_copy(update={"summary": first.trap.summary})
    assert first.submission.id == second.submission.id
    assert "trap: missed" in done.stdout and "result: " in done.stdout
    assert "[" in done.stderr and "train" in done.stderr  # progress while stages run


FIXED = (
    "What would you change if this were going into production tomorrow?",
    "What is the most likely failure mode of this system at 10x the data volume?",
)


@pytest.mark.browser
def test_the_reports_open_offline_and_ask_about_the_trap_differently(
    graded: dict[str, Result], browser: Browser, artifacts: Path
) -> None:
    trap_questions = {}
    for kind in ("careful", "naive"):
        result = graded[kind]
        report = graded_report(result)
        page = browser.new_page()
        page.open(report.as_uri())
        assert browser.requests(page) == [report.as_uri()], "the page asked for the network"
        rows = visible_texts(page, ".score-row")
        assert len(rows) == len(DIMENSION_NAMES)
        assert result.trap.summary in visible_texts(page, ".masthead .verdict")[0]
        questions = [q.question for q in result.followup.questions]
        assert 6 <= len(questions) <= 10 and set(FIXED) <= set(questions), questions
        shown = visible_texts(page, ".question-text")
        assert [s.split(" ", 1)[1] for s in shown] == questions
        trap_questions[kind] = set(questions[:2])
        name = f"{result.challenge.id}-{kind}"
        page.screenshot(artifacts / f"{name}.png")
        assert_printable(page.pdf(artifacts / f"{name}.pdf"))
    assert not trap_questions["careful"] & trap_questions["naive"], trap_questions


def graded_report(result: Result) -> Path:
    """The report.html written beside the result.json of a graded submission."""
    return REPORTS[result.submission.id]
