"""The table `grade batch` prints at the end: a row per submission, then what could not be
graded and the peak memory. Presentation only; what a candidate named reaches the terminal
through `shown`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.batch.ledger import LEDGER_FILE
from harness.batch.progress import STYLE
from harness.batch.run import BatchReport
from harness.summary import shown


def print_batch(report: BatchReport, console: Console) -> None:
    table = Table(title=f"batch: {report.out}", title_justify="left")
    for column in ("submission", "candidate", "outcome", "time", "what happened", "id"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        table.add_row(
            shown(Path(row.file).name),
            shown(row.candidate),
            Text(row.status, style=STYLE.get(row.status, "")),
            f"{row.seconds:.0f} s" if row.seconds else "",
            shown(row.message),
            row.sha256[:12],
        )
    console.print(table)
    counts = {s: sum(r.status == s for r in report.rows) for s in STYLE}
    said = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    console.print(
        f"{len(report.rows)} submissions: {said or 'none'}, in {report.seconds:.0f} s "
        f"with up to {report.jobs.count} jobs; ledger {report.out / LEDGER_FILE}",
        soft_wrap=True,
    )
    console.print(memory_line(report), soft_wrap=True)
    if report.failed:
        console.print(Text(f"could not grade {len(report.failed)}:", style="bold red"))
        for row in report.failed:
            line = Text(f"  {row.status:8} ", style="red")
            console.print(line.append(shown(f"{row.file}: {row.message}")), soft_wrap=True)


def memory_line(report: BatchReport) -> str:
    workers = ", ".join(f"{pid}: {_mib(kib)}" for pid, kib in sorted(report.workers.items()))
    return (
        f"peak memory: coordinator {_mib(report.coordinator_peak_kib)}; "
        f"workers {workers or 'none ran'}"
    )


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"
