"""A forged JUnit report ("400 passed") is not believed anywhere: the test stage's counts,
its reason in the run table and the terminal, and `code.tests` all show the trusted count,
the records of tests this submission really defines."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from harness.checks import REGISTRY
from harness.contract import load_contract
from harness.models import StageName
from harness.pipeline import SandboxReport
from harness.report import render_report
from harness.sandbox.stages import StageInputs, StageLogic, StageRun, not_run
from harness.summary import print_sandbox_report
from tests.checks.contexts import make_context
from tests.report.sample import sample_result

NAIVE = Path(__file__).resolve().parents[1] / "challenges/customer-churn/reference/naive"
REAL = '<testcase classname="test_prep" name="test_clean_handles_messy_values" time="0.1"/>'
FORGED = {
    "claimed in the attributes": '<testsuite name="pytest" tests="400" failures="0" '
    'errors="0" skipped="0"></testsuite>',
    "invented records": '<testsuite name="pytest" tests="400">'
    + "".join(f'<testcase classname="test_prep" name="test_{n}"/>' for n in range(399))
    + REAL
    + "</testsuite>",
    "one record repeated": '<testsuite name="pytest" tests="400">' + REAL * 400 + "</testsuite>",
}


class RanTests(StageLogic):
    """The stage logic over a test command that left `junit.xml` in `output`."""

    junit_path = "/output/junit.xml"

    def __init__(self, submission: Path, output: Path) -> None:
        contract = load_contract(submission)
        self.inputs = StageInputs(submission, submission, submission, contract, "image")
        self.output = output

    def run(self, stage: StageName, command: str, **extra: str) -> StageRun:
        return StageRun(not_run("").result.model_copy(update={"verdict": "ok", "reason": ""}))

    def fetch_output(self, stage: StageName) -> tuple[Path | None, str | None]:
        return self.output, None


def forged_run(tmp_path: Path, junit: str) -> tuple[Path, StageRun]:
    submission = tmp_path / "submission"
    shutil.copytree(NAIVE, submission)
    output = tmp_path / "output"
    output.mkdir()
    (output / "junit.xml").write_text(f'<?xml version="1.0"?><testsuites>{junit}</testsuites>')
    return submission, RanTests(submission, output).test()


@pytest.mark.parametrize("junit", FORGED.values(), ids=FORGED.keys())
def test_a_forged_junit_shows_the_trusted_count_everywhere(tmp_path: Path, junit: str) -> None:
    submission, run = forged_run(tmp_path, junit)
    assert run.tests is not None
    trusted = run.tests.passed
    assert trusted <= 1 and run.tests.tests <= 1
    reason = run.result.reason
    assert "400 passed" not in reason and reason.startswith(f"{trusted} passed")
    assert "claims 400" in reason

    finding = REGISTRY["code.tests"].run(make_context(submission, tests=run.tests))
    assert "400 passed" not in finding.message and f"{trusted} passed" in finding.message

    result = sample_result("handled")
    result = result.model_copy(update={"stages": {**result.stages, "test": run.result}})
    html = render_report(result)
    assert "400 passed" not in html and f"{trusted} passed" in html
    console = Console(file=io.StringIO(), width=400, color_system=None)
    print_sandbox_report(SandboxReport(submission=result.submission, challenge=result.challenge,
                                       backend="docker", image="runtime", limits={},
                                       stages={"test": run.result}), console)  # fmt: skip
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "400 passed" not in shown and f"{trusted} passed" in shown


def test_a_real_junit_report_is_counted_as_it_is(tmp_path: Path) -> None:
    failed = ('<testcase classname="test_prep" name="test_clean_handles_messy_values">'
              '<failure message="boom"/></testcase>')  # fmt: skip
    _submission, run = forged_run(tmp_path, f'<testsuite name="pytest" tests="1">{failed}'
                                  "</testsuite>")  # fmt: skip
    assert run.tests is not None
    assert (run.tests.tests, run.tests.passed, run.tests.failures) == (1, 0, 1)
    assert run.result.reason == "0 passed, 1 failed"


def test_a_collection_error_counts_though_it_names_a_module(tmp_path: Path) -> None:
    broken = ('<testcase classname="" name="tests.test_serve"><error message="collection '
              'failure"/></testcase>')  # fmt: skip
    _submission, run = forged_run(tmp_path, f'<testsuite tests="2">{broken}{REAL}</testsuite>')
    assert run.tests is not None
    assert (run.tests.tests, run.tests.passed, run.tests.errors) == (2, 1, 1)
    assert run.result.reason == "1 passed, 1 failed"
