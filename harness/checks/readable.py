"""What the grader could not read: files no reader could parse, and what the write-up lost.

Neither check is scored: they say which evidence is missing, so a reader of the report knows
a low score elsewhere may come from a file the grader could not read, not from its content.
"""

from __future__ import annotations

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, skipped
from harness.inventory import unreadable_text

MAX_LISTED = 20


@check("code.readable", dimension="code_quality", title="Files the grader could read")
def code_readable(context: CheckContext) -> Judgement:
    """Looks at every Python file and notebook the inventory read: those that do not parse
    (not valid Python, nested more than 100 levels deep, a notebook that is not a notebook,
    a code cell that does not parse), and those too large or not UTF-8 to read at all. The
    other checks ran on everything else.
    Why it matters: a file the grader cannot read is evidence no other check saw; a score
    may be low because of it, and the interviewer should ask about it. Not scored.
    Evidence: each unreadable file with why.
    """
    files = context.inventory.unreadable
    read = len(context.inventory.modules) + len(context.inventory.notebooks)
    if not files:
        return skipped(
            "every Python file and notebook was read",
            evidence.metric("files read", read, "Python files and notebooks read"),
        )
    shown = files[:MAX_LISTED]
    return Judgement(
        "fail",
        unreadable_text(shown)
        + (f"; and {len(files) - len(shown)} more" if files[len(shown) :] else ""),
        None,
        tuple(evidence.file(file.path, f"unreadable: {file.reason}") for file in shown),
    )


@check("comms.readable", dimension="communication", title="The write-up as read")
def comms_readable(context: CheckContext) -> Judgement:
    """Looks at what reading the write-up left out: embedded images (`data:` URIs, dropped
    before any size limit), text past the size limit (cut, the rest not read) and bytes that
    are not UTF-8. `grade check` warns of the same limit.
    Why it matters: the communication checks judge only the text read; a write-up cut short
    is judged on its first part. Not scored.
    Evidence: the write-up and what was left out of it.
    """
    writeup = context.inventory.writeup
    if writeup is None:
        return skipped("no write-up", evidence.metric("files", context.inventory.files))
    notes = writeup.read.notes()
    message = f"{writeup.path}: " + ("; ".join(notes) if notes else "read whole")
    found = evidence.file(writeup.path, message)
    if writeup.read.problems():
        return Judgement("partial", message, None, (found,))
    return skipped(message, found)
