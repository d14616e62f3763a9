"""The one-screen terminal summary of a graded submission. Presentation only."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from harness.checks.registry import RegisteredCheck
from harness.grading import Graded
from harness.models import DimensionScore, Result
from harness.summary import shown

TRAP_STYLE = {"handled": "green", "noticed_not_handled": "yellow", "missed": "red"}
STATUS_STYLE = {"pass": "green", "partial": "yellow", "fail": "red", "error": "magenta"}


def print_result(graded: Graded, console: Console) -> None:
    """Scores per dimension, the trap verdict, the stages, and where the files are."""
    result = graded.result
    console.print(
        shown(
            f"{result.submission.candidate or result.submission.file} · "
            f"{result.challenge.id} v{result.challenge.version}",
            style="bold",
        )
    )
    console.print(_stages_line(result))
    console.print(_dimensions_table(result))
    verdict = result.trap.verdict
    console.print(
        Text(f"trap: {verdict}", style=TRAP_STYLE.get(verdict, "dim")), shown(result.trap.summary)
    )
    problems = [f for f in result.findings if f.status in ("fail", "error")]
    for finding in problems[:6]:
        console.print(
            Text(f"  {finding.status:7} {finding.check}: ", style=STATUS_STYLE[finding.status]),
            shown(finding.message[:160]),
        )
    console.print(f"result: {graded.result_file}", soft_wrap=True)
    console.print(f"report: {graded.report_file}", soft_wrap=True)


def _stages_line(result: Result) -> Text:
    line = Text("stages: ")
    for name, stage in result.stages.items():
        style = "green" if stage.verdict == "ok" else "dim" if stage.verdict == "not_run" else "red"
        line.append(f"{name} ").append(stage.verdict, style=style).append("  ")
    return line


def _dimensions_table(result: Result) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    for column in ("dimension", "score", "criteria scored", "left to the interviewer"):
        table.add_column(column)
    for name, dimension in result.dimensions.items():
        table.add_row(name, _score(dimension), *_criteria(dimension))
    return table


def _score(dimension: DimensionScore) -> Text:
    if dimension.score is None:
        return Text("not scored", style="dim")
    return Text(f"{dimension.score:.2f}", style="bold")


def _criteria(dimension: DimensionScore) -> tuple[str, str]:
    automatic = [c.id for c in dimension.criteria if c.automatic]
    manual = [c.id for c in dimension.criteria if not c.automatic]
    return ", ".join(automatic) or "-", ", ".join(manual) or "-"


def print_checks(checks: Iterable[RegisteredCheck], console: Console) -> None:
    """Every check: its id, dimension and title, then its docstring, reflowed."""
    for registered in sorted(checks, key=lambda c: (c.dimension, c.id)):
        console.print(
            Text(registered.id, style="bold"), f"({registered.dimension})", registered.title
        )
        for paragraph in registered.doc.split("\n\n"):
            console.print(Padding(Text(" ".join(paragraph.split())), (0, 0, 0, 4)))
        console.print()
