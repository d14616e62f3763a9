"""Human-readable summaries for the terminal, drawn with rich. Presentation only.

What a candidate wrote reaches the terminal through `shown` (or `_markup`): no control or
bidi-control character of theirs is ever printed.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.inventory import FileEntry, Inventory
from harness.pipeline import Inspection, SandboxReport
from harness.readers.notebook import NotebookSummary
from harness.report.printable import printable
from harness.sandbox.doctor import Diagnosis

OK, WARN, NONE = "[green]✓[/]", "[yellow]![/]", "[dim]-[/]"


def shown(value: str, style: str = "") -> Text:
    """Terminal text from anything a candidate may have written (file names, commands, logs,
    messages): control and bidi-control characters dropped (`harness.report.printable`), and never
    read as markup."""
    return Text(printable(value), style=style)


def _markup(value: str) -> str:
    """A candidate's string placed inside markup: printable, its brackets escaped."""
    return escape(printable(value))


def print_inspection(inspection: Inspection, console: Console) -> None:
    """Everything `grade inspect` found, in three short blocks."""
    console.print(_submission_panel(inspection))
    console.print(_contract_table(inspection))
    console.print(_inventory_table(inspection.inventory))


def _submission_panel(inspection: Inspection) -> Panel:
    info = inspection.submission
    lines = [
        f"[bold]{_markup(info.file)}[/]  {info.size_bytes:,} bytes, {info.files} files",
        f"id  {info.id}",
        f"challenge  [bold]{_markup(inspection.contract.challenge)}[/]",
    ]
    if inspection.collapsed:
        lines.append(f"[dim]top-level folder {_markup(inspection.collapsed)}/ collapsed[/]")
    if inspection.dropped:
        lines.append(f"[dim]{len(inspection.dropped)} junk entries dropped (macOS, caches)[/]")
    return Panel(Text.from_markup("\n".join(lines)), title="submission", expand=False)


def _contract_table(inspection: Inspection) -> Table:
    contract = inspection.contract
    table = Table(title="assessment.toml", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for name in ("train", "predict", "test", "serve"):
        command = getattr(contract.commands, name)
        table.add_row(name, shown(command) if command else shown("not declared", style="dim"))
    estimate = contract.estimate
    table.add_row("estimate", shown(f"{estimate.metric} = {estimate.value} ({estimate.method})"))
    for warning in contract.warnings:
        table.add_row("warning", shown(warning, style="yellow"))
    return table


def _inventory_table(inventory: Inventory) -> Table:
    table = Table(title="inventory", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(width=1)
    table.add_column()
    for label, mark, detail in _inventory_rows(inventory):
        table.add_row(label, mark, detail)
    return table


def _inventory_rows(inventory: Inventory) -> list[tuple[str, str, Group | Text | str]]:
    modules = [m for m in inventory.modules if not m.is_test]
    broken = [m.path for m in inventory.modules if m.source.syntax_error]
    return [
        ("code", OK if modules else WARN, _code_detail(inventory, len(modules), broken)),
        ("tests", *_tests_row(inventory)),
        ("notebooks", *_notebooks_row(inventory)),
        ("write-up", *_writeup_row(inventory)),
        ("Dockerfile", *_listing(inventory.dockerfiles)),
        ("requirements", *_requirements_row(inventory)),
        ("CI", *_listing(inventory.ci_files)),
        ("libraries", *_capabilities_row(inventory)),
        ("data files", *_files_row(inventory.data_files)),
        ("model files", *_files_row(inventory.model_files)),
        ("left out", *_left_out_row(inventory)),
    ]


def _code_detail(inventory: Inventory, modules: int, broken: list[str]) -> Text:
    text = shown(
        f"{_count(modules, 'module')}, {inventory.python_lines:,} lines of Python, "
        f"{_count(len(inventory.packages), 'package')}"
    )
    if broken:
        text.append(printable(f"; syntax errors in {', '.join(broken)}"), style="red")
    return text


def _tests_row(inventory: Inventory) -> tuple[str, Text]:
    if not inventory.test_files:
        return WARN, shown("no test files (test_*.py or *_test.py)")
    functions = _count(inventory.test_functions, "test function")
    return OK, shown(f"{functions} in {_count(len(inventory.test_files), 'file')}")


def _notebooks_row(inventory: Inventory) -> tuple[str, Group | Text]:
    if not inventory.notebooks:
        return NONE, shown("none")
    lines = []
    flagged = False
    for notebook in inventory.notebooks:
        notes = _notebook_notes(notebook.summary)
        flagged = flagged or bool(notes)
        state = ", ".join(notes) if notes else "ran top to bottom"
        lines.append(shown(f"{notebook.path}: {notebook.summary.code_cells} code cells, {state}"))
    return (WARN if flagged else OK), Group(*lines)


def _notebook_notes(summary: NotebookSummary) -> list[str]:
    if summary.read_error:
        return [f"unreadable ({summary.read_error})"]
    notes = []
    if not summary.executed_in_order:
        notes.append("cells ran out of order")
    if summary.error_cells:
        cells = ", ".join(str(n) for n in summary.error_cells)
        notes.append(f"error output in cell {cells}")
    if summary.outputs_stripped:
        notes.append("outputs stripped")
    return notes


def _writeup_row(inventory: Inventory) -> tuple[str, Text]:
    writeup = inventory.writeup
    if writeup is None:
        return WARN, shown("no README.md or WRITEUP.md at the top level")
    headings = ", ".join(writeup.summary.headings[:8]) or "no headings"
    return OK, shown(f"{writeup.path}: {writeup.summary.words:,} words; {headings}")


def _requirements_row(inventory: Inventory) -> tuple[str, Text]:
    if not inventory.requirements:
        return NONE, shown("none (the challenge runtime only)")
    parts = []
    loose = False
    for requirements in inventory.requirements:
        summary = requirements.summary
        loose = loose or bool(summary.unpinned or summary.invalid)
        part = f"{requirements.path}: {len(summary.pinned)} pinned"
        if summary.unpinned:
            part += f", unpinned: {', '.join(summary.unpinned)}"
        parts.append(part)
    return (WARN if loose else OK), shown("; ".join(parts))


def _capabilities_row(inventory: Inventory) -> tuple[str, Text]:
    by_category: dict[str, set[str]] = {}
    for use in inventory.capabilities:
        by_category.setdefault(use.category, set()).add(use.module)
    if not by_category:
        return NONE, shown("no serving, validation, logging or monitoring libraries")
    return OK, shown(
        "; ".join(f"{cat}: {', '.join(sorted(mods))}" for cat, mods in by_category.items())
    )


def _listing(paths: tuple[str, ...]) -> tuple[str, Text]:
    return (OK, shown(", ".join(paths))) if paths else (NONE, shown("none"))


def _files_row(entries: tuple[FileEntry, ...]) -> tuple[str, Text]:
    if not entries:
        return NONE, shown("none")
    size = sum(e.size_bytes for e in entries)
    names = ", ".join(e.path for e in entries[:5]) + (" ..." if len(entries) > 5 else "")
    return WARN, shown(f"{len(entries)} files, {size:,} bytes: {names}")


def _left_out_row(inventory: Inventory) -> tuple[str, Text]:
    left = [f"{path}/" for path in inventory.vendored] + list(inventory.unread)
    if not left:
        return NONE, shown("nothing")
    return WARN, shown(", ".join(left))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


VERDICT_STYLE = {"ok": "green", "not_run": "dim"}


def print_sandbox_report(report: SandboxReport, console: Console) -> None:
    """Each stage's verdict, duration, peak memory and why."""
    where = report.image if report.backend == "docker" else "the LOCAL backend (not isolated)"
    table = Table(title=shown(f"sandbox run of {report.submission.file} in {where}"))
    for column in ("stage", "verdict", "time", "peak memory", "why"):
        table.add_column(column)
    for name, stage in report.stages.items():
        style = VERDICT_STYLE.get(stage.verdict, "red")
        duration = "" if stage.duration_s is None else f"{stage.duration_s:.1f} s"
        memory = "" if stage.peak_memory_mb is None else f"{stage.peak_memory_mb:.0f} MiB"
        verdict = shown(stage.verdict, style=style)
        table.add_row(name, verdict, duration, memory, shown(stage.reason))
    console.print(table)


def print_diagnoses(diagnoses: list[Diagnosis], console: Console) -> None:
    """One line per check; the fix beside each problem."""
    for diagnosis in diagnoses:
        line = Text.from_markup(OK if diagnosis.ok else "[red]✗[/]")
        line.append(f" {diagnosis.name}: ", style="bold").append(diagnosis.detail)
        if diagnosis.fix:
            line.append("  fix: ", style="yellow").append(diagnosis.fix)
        console.print(line)
