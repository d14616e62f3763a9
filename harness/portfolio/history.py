"""What git's history shows of how the work was done, read with bounds.

The commits are counted (`rev-list --count`), the roots found, and only the newest
`MAX_COMMITS` read (`log --max-count`), so a history of 100,000 commits costs a count and a
bounded read; each call has its deadline. From them: the span from the first commit to HEAD,
the weeks with a commit, the commits after the first month, the authors, and the share of
today's code that is unchanged since the first commit (from `diff --numstat` between the root
and HEAD: a dump arrives whole in one commit). Dates are whatever the author's machine said,
and anyone can write any date, so all of this weighs little; dates before git existed or in
the future are said to look forged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from harness.portfolio.git import Git
from harness.portfolio.model import History

MAX_COMMITS = 5_000
HISTORY_TIMEOUT_S = 60.0
FIRST_MONTH = timedelta(days=30)
GIT_EXISTS = datetime(2005, 4, 7, tzinfo=UTC)
FIELD = "\x1f"


@dataclass(frozen=True)
class Commit:
    """One commit as the bounded log reads it."""

    sha: str
    authored: datetime
    committed: datetime
    email: str


def read_history(
    git: Git, code_lines: Mapping[str, int], now: datetime, limit: int = MAX_COMMITS
) -> History:
    """The history of HEAD; `code_lines` (path -> lines of code at HEAD) weighs the share of
    the code that arrived in the first commit."""
    commits = _log(git, limit)
    counted = git.run("rev-list", "--count", "HEAD", timeout_s=HISTORY_TIMEOUT_S)
    total = int(counted.text().strip()) if counted.ok else len(commits)
    root = _root(git)
    notes = _bound_notes(total, len(commits), counted.ok)
    if not commits:
        return History(
            commits=total,
            commits_read=0,
            active_weeks=0,
            after_first_month=0,
            authors=0,
            notes=(*notes, "the log could not be read"),
        )
    first = root.authored if root else commits[-1].authored
    share, share_note = _first_commit_share(git, root, commits[0].sha, code_lines)
    return History(
        commits=total,
        commits_read=len(commits),
        first=first,
        last=commits[0].authored,
        span_days=max(0, (commits[0].authored - first).days),
        active_weeks=len({c.authored.isocalendar()[:2] for c in commits}),
        after_first_month=sum(1 for c in commits if c.authored > first + FIRST_MONTH),
        authors=len({c.email for c in commits}),
        top_author_share=round(_top_share(commits), 4),
        first_commit_share=share,
        notes=(*notes, *share_note, *_forged(commits, now)),
    )


def _log(git: Git, limit: int, *revisions: str) -> list[Commit]:
    """The newest `limit` commits, newest first."""
    fields = FIELD.join(("%H", "%at", "%ct", "%aE"))
    done = git.run(
        "log",
        f"--max-count={limit}",
        f"--format={fields}",
        *(revisions or ("HEAD",)),
        "--",
        timeout_s=HISTORY_TIMEOUT_S,
    )
    return [c for line in done.text().splitlines() if (c := _commit(line)) is not None]


def _commit(line: str) -> Commit | None:
    parts = line.split(FIELD)
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    sha, authored, committed, email = parts
    return Commit(sha, _when(int(authored)), _when(int(committed)), email.strip().lower())


def _when(stamp: int) -> datetime:
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.max.replace(tzinfo=UTC)


def _root(git: Git) -> Commit | None:
    """The oldest root commit (a history may have several: merged unrelated histories)."""
    done = git.run("rev-list", "--max-parents=0", "HEAD", timeout_s=HISTORY_TIMEOUT_S)
    roots = [sha for sha in done.text().split() if sha][:100]
    found = [c for sha in roots for c in _log(git, 1, sha)]
    return min(found, key=lambda c: c.authored) if found else None


def _bound_notes(total: int, read: int, counted: bool) -> list[str]:
    notes = [] if counted else ["the commits could not be counted in time"]
    if read < total:
        notes.append(
            f"the newest {read:,} of {total:,} commits were read; weeks, authors and commits "
            "after the first month are counted among them"
        )
    return notes


def _top_share(commits: list[Commit]) -> float:
    counts = Counter(c.email for c in commits)
    return counts.most_common(1)[0][1] / len(commits)


def _forged(commits: list[Commit], now: datetime) -> list[str]:
    """Dates no honest clock gives: before git existed, or in the future."""
    early = sum(1 for c in commits if c.authored < GIT_EXISTS)
    future = sum(1 for c in commits if c.authored > now + timedelta(days=1))
    notes = []
    if early:
        notes.append(f"{early} commits are dated before git existed (2005): dates were set by hand")
    if future:
        notes.append(f"{future} commits are dated in the future: dates were set by hand")
    return notes


def _first_commit_share(
    git: Git, root: Commit | None, head: str, code_lines: Mapping[str, int]
) -> tuple[float | None, list[str]]:
    """Share of today's code lines unchanged since the root commit: 1 for a single commit."""
    total = sum(code_lines.values())
    if root is None or total == 0:
        return None, []
    if root.sha == head:
        return 1.0, []
    done = git.run(
        "diff", "--numstat", "-z", "-M", root.sha, head, "--", timeout_s=HISTORY_TIMEOUT_S
    )
    if not done.ok:
        return None, ["the first commit could not be compared with HEAD in time"]
    added = added_lines(done.stdout)
    kept = sum(max(0, lines - added.get(path, 0)) for path, lines in code_lines.items())
    return round(kept / total, 4), []


def added_lines(numstat: bytes) -> dict[str, int]:
    """`path -> lines added` from `diff --numstat -z` (a rename is `A\\tD\\t\\0old\\0new\\0`;
    a binary file `-\\t-`)."""
    fields = numstat.decode("utf-8", errors="replace").split("\0")
    added: dict[str, int] = {}
    at = 0
    while at < len(fields):
        head = fields[at].split("\t")
        if len(head) != 3:
            at += 1
            continue
        path, at = (head[2], at + 1) if head[2] else (fields[at + 2], at + 3)
        if head[0].isdigit():
            added[path] = int(head[0])
    return added
