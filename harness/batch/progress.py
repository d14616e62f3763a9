"""The batch's live progress on stderr: a line per submission that ended, and where the batch
stands (done, running, failed, time left). On a terminal the standing is one live line
redrawn in place; elsewhere (CI, a log file) it is a plain line every `HEARTBEAT_S` seconds."""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.text import Text

from harness.batch.ledger import LEDGER_FILE
from harness.batch.plan import Plan
from harness.batch.run import BatchReport, Display, Row, Status
from harness.summary import shown

HEARTBEAT_S = 30.0
STYLE = {"graded": "green", "cached": "dim", "refused": "yellow", "error": "red", "stopped": "red"}


class StderrDisplay(Display):
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.started = time.monotonic()
        self.live: Live | None = None
        self.last = Status(0, 0, [], 0, None)
        self.heartbeat = self.started

    def begin(self, report: BatchReport, plan: Plan) -> None:
        distinct = len(plan.jobs) + len(plan.cached) + len(plan.refused)
        given = sum(len(j.submission.senders) for j in plan.jobs)
        given += sum(len(s.senders) for s, _ in plan.cached) + len(plan.refused)
        self._line(
            f"batch of {given} submissions ({distinct} distinct): {len(plan.jobs)} to grade with "
            f"{min(report.jobs.count, len(plan.jobs) or 1)} jobs at once ({report.jobs.why}), "
            f"{len(plan.cached)} already graded, {len(plan.refused)} refused"
        )
        if self.console.is_terminal and plan.jobs:
            self.live = Live(console=self.console, transient=True, refresh_per_second=4)
            self.live.start()

    def row(self, row: Row) -> None:
        line = Text(f"grade: [{self._elapsed()}] ")
        line.append(row.status, style=STYLE.get(row.status, ""))
        line.append(" ").append(shown(f"{row.file}: {row.message}"))
        self.console.print(line, soft_wrap=True)

    def status(self, status: Status) -> None:
        self.last = status
        if self.live is not None:
            self.live.update(Text(f"grade: {standing(status)}", style="bold"))
        elif status.running and time.monotonic() - self.heartbeat >= HEARTBEAT_S:
            self.heartbeat = time.monotonic()
            self._line(standing(status))

    def end(self, report: BatchReport, interrupted: bool) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        if interrupted:
            self._line(stopped_line(report))

    def _line(self, message: str) -> None:
        self.console.print(shown(f"grade: [{self._elapsed()}] {message}"), soft_wrap=True)

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:5.0f} s"


def standing(status: Status) -> str:
    running = f"{len(status.running)} running"
    if status.running:
        running += f" ({', '.join(status.running)})"
    left = "time left unknown"
    if status.left_s is not None:
        left = f"about {_duration(status.left_s)} left"
    return f"{status.done}/{status.total} done, {running}, {status.failed} failed, {left}"


def stopped_line(report: BatchReport) -> str:
    """What a signal stopped, and that a rerun finishes the rest."""
    stopped = [row for row in report.rows if row.status == "stopped"]
    mid = [row.file for row in stopped if row.message != "not started"]
    waiting = len(stopped) - len(mid)
    ended = len(report.rows) - len(stopped)
    return (
        f"stopped {len(mid)} gradings under way ({', '.join(mid) or 'none'}; their containers "
        f"removed) and {waiting} not started; {ended} ended and are in "
        f"{report.out / LEDGER_FILE}; run the same command again to grade the rest"
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"
