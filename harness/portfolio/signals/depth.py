"""Portfolio depth: is there a body of real code, or notebooks and a dump?

Four signals: how much code in how many files, how much of it lives in notebooks, what the
history shows of ongoing work, and how much of today's code arrived in the first commit. The
two read from history weigh half: commit dates are whatever the author's machine said.
"""

from __future__ import annotations

from harness.checks import evidence
from harness.portfolio.repo import Repo
from harness.portfolio.signals.registry import Judged, judged, signal, unscored

CODE_STEPS = ((3000, 1.0), (1000, 0.8), (300, 0.55), (100, 0.3))
"""Lines of code and the score they reach; under 100 lines scores 0.1."""


def plural(count: int, word: str, many: str = "") -> str:
    """`1 file`, `3 files`; `many` where the plural is not the word and an s."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


@signal("portfolio.code", area="depth", title="Code", weight=1.0)
def code(repo: Repo) -> Judged:
    """Looks at the lines of code (non-blank, in files of a programming language; markup,
    configuration and notebooks counted apart) and the files they are in, by language.

    Why it matters: a first screen asks whether there is a body of work to read at all: a
    few hundred lines is an exercise, a few thousand across many files is a system someone
    had to organise. Score by lines of code: 3,000 and more 1.0, 1,000 0.8, 300 0.55, 100
    0.3, fewer 0.1, none 0. Code only in notebooks is not scored here: `portfolio.notebooks`
    judges it, and it is not counted twice.

    Evidence: the lines and files of code, the Python modules and packages as metrics, and
    the languages with their lines."""
    counted = repo.counted
    lines = counted.lines("code")
    code_langs = [lang for lang in counted.languages if lang.kind == "code"]
    files = sum(lang.files for lang in code_langs)
    shown = ", ".join(f"{lang.name} {lang.lines:,}" for lang in code_langs[:5]) or "none"
    found = (
        evidence.metric("code_lines", lines, "non-blank lines in files of a programming language"),
        evidence.metric("code_files", files, "files of a programming language"),
        evidence.metric("python_modules", len(repo.shipped), "Python modules outside the tests"),
        evidence.metric("packages", len(repo.context.inventory.packages), "Python packages"),
        evidence.text("lines by language: " + languages_line(repo)),
    )
    if lines == 0 and counted.lines("notebook"):
        said = f"no code outside notebooks ({counted.lines('notebook'):,} lines in notebooks)"
        return unscored("notebooks", said, *found)
    if lines == 0:
        return judged(0.0, "none", "no code in the repository", *found)
    score = next((value for floor, value in CODE_STEPS if lines >= floor), 0.1)
    state = "substantial" if lines >= 1000 else "small"
    return judged(
        score, state, f"{plural(lines, 'line')} of code in {plural(files, 'file')}: {shown}", *found
    )


def languages_line(repo: Repo) -> str:
    return (
        "; ".join(
            f"{lang.name} ({lang.kind}) {lang.lines:,} lines in {plural(lang.files, 'file')}"
            for lang in repo.counted.languages[:10]
        )
        or "no files of a known language"
    )


@signal("portfolio.notebooks", area="depth", title="Code in notebooks", weight=1.0)
def notebooks(repo: Repo) -> Judged:
    """Looks at the share of the code (lines of code files and of notebooks' code cells)
    that lives in Jupyter notebooks. Not scored when there are no notebooks.

    Why it matters: notebooks are how analysis is done, and how little of it reaches
    production: code only in notebooks cannot be imported, tested or deployed as it is. The
    question for a first screen is whether the work went further. Score: at most 20% in
    notebooks 1.0, at most half 0.6, at most 80% 0.3, more 0.05.

    Evidence: the share as a metric, and the notebooks with their lines of code."""
    counted = repo.counted
    share = counted.notebook_share
    books = repo.context.inventory.notebooks
    if not books or share is None:
        return unscored("none", "no notebooks: the code is in files")
    found = [evidence.metric("notebook_share", share, "share of the code lines in notebooks")]
    found += [
        evidence.file(b.path, f"notebook, {b.summary.code_cells} code cells") for b in books[:5]
    ]
    score = 1.0 if share <= 0.2 else 0.6 if share <= 0.5 else 0.3 if share <= 0.8 else 0.05
    state = "notebooks_only" if share > 0.8 else "mostly_notebooks" if share > 0.5 else "some"
    said = f"{share:.0%} of the code is in {plural(len(books), 'notebook')}"
    if state == "notebooks_only":
        said = f"notebooks only: {said}"
    return judged(score, state, said, *found)


@signal("portfolio.history", area="depth", title="History of the work", weight=0.5)
def history(repo: Repo) -> Judged:
    """Looks at the git history, read with bounds: the span from the first commit to HEAD,
    the weeks with a commit, the commits more than a month after the first, the authors.

    Why it matters: a repository worked on for months, week after week, is maintained; one
    pushed in an afternoon is a copy or an exercise. But dates are set by the author's
    machine and can be written by hand, so this weighs half of a code signal, and dates
    before git existed or in the future are said. Score: active weeks 0.4 (full at 12), span
    0.3 (full at 180 days), commits after the first month 0.3 (full at 20); one commit 0.

    Evidence: each number as a metric, and what limited the reading."""
    h = repo.history
    found = [
        evidence.metric("commits", h.commits, "commits reachable from HEAD"),
        evidence.metric("span_days", h.span_days, "days from the first commit to HEAD"),
        evidence.metric("active_weeks", h.active_weeks, "weeks with a commit (among those read)"),
        evidence.metric(
            "after_first_month", h.after_first_month, "commits after the first 30 days"
        ),
        evidence.metric("authors", h.authors, "distinct author e-mails (among those read)"),
        *(evidence.text(note) for note in h.notes),
    ]
    if h.commits <= 1:
        return judged(0.0, "single_commit", "a single commit: no history of the work", *found)
    score = (
        0.4 * min(1.0, h.active_weeks / 12)
        + 0.3 * min(1.0, (h.span_days or 0) / 180)
        + 0.3 * min(1.0, h.after_first_month / 20)
    )
    maintained = h.after_first_month >= 10 and h.active_weeks >= 8
    state = "maintained" if maintained else "short" if (h.span_days or 0) < 30 else "some"
    said = (
        f"{plural(h.commits, 'commit')} over {plural(h.span_days or 0, 'day')}, "
        f"{plural(h.active_weeks, 'active week')}, {h.after_first_month:,} after the first "
        f"month, {plural(h.authors, 'author')} (dates can be forged)"
    )
    return judged(score, state, said, *found)


@signal("portfolio.first_commit", area="depth", title="Code from the first commit", weight=0.5)
def first_commit(repo: Repo) -> Judged:
    """Looks at the share of today's lines of code that are unchanged since the first
    commit (from git's diff between the first commit and HEAD, renames followed).

    Why it matters: work that grew shows in the diff; a project committed whole at once (a
    "dump": an export of someone's folder, or of someone else's work) has nearly all of its
    code in its first commit, whatever the later commits' dates say. Score: one minus the
    share. Not scored when there is no code.

    Evidence: the share as a metric."""
    share = repo.history.first_commit_share
    if share is None:
        return unscored("unknown", "no lines of code to compare with the first commit")
    found = evidence.metric(
        "first_commit_share", share, "share of today's code lines unchanged since the first commit"
    )
    state = "dump" if share >= 0.9 else "grown" if share <= 0.3 else "partly"
    said = f"{share:.0%} of today's code arrived in the first commit"
    return judged(
        1.0 - share, state, said + (" (committed whole)" if state == "dump" else ""), found
    )
