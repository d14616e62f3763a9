"""Building evidence: code snippets with their lines, log excerpts, numbers, text.

Every finding carries evidence a reader can check: the file and lines with the snippet, the
end of a stage's log, or the number the score came from. Excerpts are capped so one
submission cannot blow up a report.
"""

from __future__ import annotations

from harness.checks.context import CheckContext
from harness.models import Evidence, StageName

MAX_EXCERPT = 1200
SNIPPET_CONTEXT = 2
LOG_TAIL_CHARS = 800


def code(context: CheckContext, path: str, first: int, last: int | None = None) -> Evidence:
    """The lines `first`..`last` of a submission file, with a little context around them."""
    last = last or first
    lines = (context.text(path) or "").splitlines()
    start = max(1, first - SNIPPET_CONTEXT)
    end = min(len(lines), last + SNIPPET_CONTEXT) if lines else last
    excerpt = "\n".join(lines[start - 1 : end]) if lines else None
    return Evidence(kind="code", path=path, lines=(start, max(start, end)), excerpt=_cap(excerpt))


def snippet(path: str, line: int, text: str) -> Evidence:
    """One line of code already read (a mark from the syntax tree)."""
    return Evidence(kind="code", path=path, lines=(line, line), excerpt=_cap(text))


def log(context: CheckContext, stage: StageName) -> Evidence:
    """The end of a stage's log (the head when the log is short), with its verdict."""
    result = context.stage(stage)
    text = result.log_tail or result.log_head
    return Evidence(
        kind="log",
        path=stage,
        excerpt=_cap(text[-LOG_TAIL_CHARS:] or "(no output)"),
        value=result.verdict,
    )


def metric(name: str, value: float | str | None, note: str = "") -> Evidence:
    """A number and what it is."""
    shown = round(value, 4) if isinstance(value, float) else value
    return Evidence(kind="metric", path=None, excerpt=note or name, value=shown)


def text(excerpt: str, path: str | None = None) -> Evidence:
    """Words: a passage of the write-up, or the harness's own account of what it saw."""
    return Evidence(kind="text", path=path, excerpt=_cap(excerpt))


def file(path: str, note: str = "") -> Evidence:
    """A file of the submission, by its path."""
    return Evidence(kind="file", path=path, excerpt=note or None)


def _cap(value: str | None) -> str | None:
    if value is None or len(value) <= MAX_EXCERPT:
        return value
    return value[: MAX_EXCERPT - 20] + "\n[... cut ...]"
