"""Control and bidi-control characters a candidate wrote never reach the report or the
terminal: file names, messages, log excerpts and write-up snippets alike."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from harness.grading import Graded
from harness.models import Evidence, Finding, Result, StageResult
from harness.pipeline import SandboxReport
from harness.report import render_report
from harness.report.printable import printable
from harness.result_summary import print_result
from harness.summary import print_sandbox_report
from tests.report.sample import sample_result

FORBIDDEN = (
    "\x00\x07\x08\x0b\x0c\r\x1b\x7f\x85\x9b"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
POISON = "evil\u202etxt.exe\x00 \x1b[2Jcleared\r\u2066iso\u2069\u200f\u061c\u200e\x07\x9b\x85"


def poisoned(text: str) -> str:
    return f"{text} {POISON}"


def poison_evidence(evidence: Evidence) -> Evidence:
    update: dict[str, Any] = {"excerpt": poisoned(evidence.excerpt or "")}
    if evidence.path is not None:
        update["path"] = poisoned(evidence.path)
    return evidence.model_copy(update=update)


def poison_finding(finding: Finding) -> Finding:
    evidence = tuple(poison_evidence(e) for e in finding.evidence)
    return finding.model_copy(update={"message": poisoned(finding.message), "evidence": evidence})


def poison_stage(stage: StageResult) -> StageResult:
    return stage.model_copy(update={"reason": poisoned(stage.reason),
                                    "log_head": poisoned(stage.log_head),
                                    "log_tail": poisoned(stage.log_tail)})  # fmt: skip


def poisoned_result() -> Result:
    result = sample_result("missed")
    submission = result.submission.model_copy(
        update={"file": poisoned("submission.zip"), "candidate": poisoned("Ada")}
    )
    return result.model_copy(
        update={
            "submission": submission,
            "stages": {name: poison_stage(stage) for name, stage in result.stages.items()},
            "findings": tuple(poison_finding(f) for f in result.findings),
            "trap": result.trap.model_copy(update={"summary": poisoned(result.trap.summary)}),
        }
    )


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN})
    assert not found, f"control characters reached the output: {found}"
    assert "eviltxt.exe" in text


def test_printable_keeps_newlines_and_tabs_and_drops_the_rest() -> None:
    assert printable("a\tb\nc\x00d\u202ee\r\x1b[0m") == "a\tb\ncde[0m"


def test_the_report_shows_no_control_or_bidi_character() -> None:
    html = render_report(poisoned_result())
    assert_clean(html)


@pytest.fixture
def console() -> Console:
    return Console(file=io.StringIO(), width=400, color_system=None, force_terminal=False)


def output(console: Console) -> str:
    stream = console.file
    assert isinstance(stream, io.StringIO)
    return stream.getvalue()


def test_the_terminal_summary_shows_no_control_or_bidi_character(
    console: Console, tmp_path: Path
) -> None:
    result = poisoned_result()
    failing = result.findings[0].model_copy(update={"status": "fail"})
    result = result.model_copy(update={"findings": (failing, *result.findings[1:])})
    print_result(Graded(result, tmp_path), console)
    assert_clean(output(console))


def test_the_sandbox_table_shows_no_control_or_bidi_character(console: Console) -> None:
    result = poisoned_result()
    report = SandboxReport(submission=result.submission, challenge=result.challenge,
                           backend="docker", image="grade-runtime", limits={},
                           stages=dict(result.stages))  # fmt: skip
    print_sandbox_report(report, console)
    assert_clean(output(console))
