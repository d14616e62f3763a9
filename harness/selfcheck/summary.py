"""What `grade check` prints: one line per item, what the zip leaves out, and the verdict.
Presentation only; every word of a message comes from the items."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.selfcheck.items import Item, SelfCheck
from harness.selfcheck.packing import describe

MARKS = {
    "pass": ("✓", "green"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "red"),
    "skip": ("-", "dim"),
}


def print_self_check(check: SelfCheck, console: Console) -> None:
    """The header, the items, what is left out, and whether it is ready to send."""
    console.print(_header(check))
    if check.backend == "local":
        console.print(Text(f"warning: {check.backend_note}", style="yellow"))
    console.print(_items_table(check.items))
    for line in _left_out_lines(check):
        console.print(line)
    if check.zip_note:
        console.print(Text(check.zip_note, style="bold" if check.zip_written else "yellow"))
    console.print(_verdict(check))


def _header(check: SelfCheck) -> Text:
    text = Text("grade check ", style="bold").append(check.folder)
    if check.challenge:
        text.append(f"  challenge {check.challenge}")
    if check.backend == "docker":
        text.append(f"  ran in {check.backend_note}", style="dim")
    return text


def _items_table(items: tuple[Item, ...]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(width=1)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for item in items:
        mark, style = MARKS[item.status]
        table.add_row(Text(mark, style=style), item.name, Text(item.message))
    return table


def _left_out_lines(check: SelfCheck) -> list[Text]:
    if not check.left_out:
        return []
    verb = "left out of the zip" if check.zip_written else "the zip --zip writes leaves out"
    lines = [Text(f"{verb}:", style="bold")]
    lines += [Text(f"  {describe(group)}") for group in check.left_out]
    return lines


def _verdict(check: SelfCheck) -> Text:
    problems = check.problems()
    warnings = sum(1 for item in check.items if item.status == "warn")
    if problems:
        names = ", ".join(item.name for item in problems)
        return Text(
            f"not ready: {len(problems)} to fix before you send ({names})", style="bold red"
        )
    tail = f", {warnings} warning{'s' if warnings != 1 else ''} worth a look" if warnings else ""
    return Text(f"ready: it would run at grading{tail}", style="bold green")
