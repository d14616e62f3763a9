"""The self-check's items: each passes, warns or fails with one line saying what to fix.

`fail` means the submission would not run at grading (or would be refused): the command
exits 1. `warn` is worth fixing but does not stop grading. `skip` says why an item could not
be checked (an earlier item failed), so the candidate is never left guessing.
"""

from __future__ import annotations

from typing import Literal

from harness.models import Backend, Frozen

Status = Literal["pass", "warn", "fail", "skip"]


class Item(Frozen):
    """One thing the self-check looked at."""

    name: str
    status: Status
    message: str
    """One line: what was found and, unless it passed, what to do about it."""


class LeftOut(Frozen):
    """Files the submission zip leaves out, grouped by why."""

    kind: str
    """A short, stable name for the reason: `environments`, `large_data`, `links`, ..."""
    reason: str
    paths: tuple[str, ...]
    size_bytes: int


class SelfCheck(Frozen):
    """Everything `grade check` found about one folder."""

    folder: str
    challenge: str | None
    backend: Backend
    backend_note: str
    """Where the commands ran and, for the local backend, what differs from grading."""
    items: tuple[Item, ...]
    left_out: tuple[LeftOut, ...] = ()
    zip_written: str | None = None
    """The submission zip written with `--zip`, if it was."""
    zip_note: str = ""

    @property
    def ready(self) -> bool:
        """True when nothing failed: the submission would run at grading."""
        return not any(item.status == "fail" for item in self.items)

    def problems(self) -> list[Item]:
        return [item for item in self.items if item.status == "fail"]


def one_line(text: str, limit: int = 300) -> str:
    """Whitespace flattened, long text cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 id`, `3 ids`; `many` for irregular plurals."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


def passed(name: str, message: str) -> Item:
    return Item(name=name, status="pass", message=one_line(message))


def warned(name: str, message: str) -> Item:
    return Item(name=name, status="warn", message=one_line(message))


def failed(name: str, message: str) -> Item:
    return Item(name=name, status="fail", message=one_line(message))


def skipped(name: str, why: str) -> Item:
    return Item(name=name, status="skip", message=one_line(why))
