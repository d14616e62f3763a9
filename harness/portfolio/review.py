"""`grade repo PATH|GIT_URL`: clone -> checkout -> inventory -> tests in the sandbox -> checks
and signals -> areas, flags, questions -> result.json and report.html.

Each step is a plain function of the one before. Bad input (a path that is not a repository,
a URL that cannot be cloned, an empty repository, a `--limit` that is not a test limit, an
`--out` that cannot be written) fails before anything else, with one line. Everything of the
repository lives in a temporary folder owned by this process (swept if it is killed) and is
gone when the review is written; the result goes to `<out>/<name>-<commit>/`, atomically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harness import __version__
from harness.errors import HarnessError
from harness.files import write_text
from harness.portfolio.clone import Cloned, RepositoryError, clone, parse_source
from harness.portfolio.declared import Declared, judged_inventory, judged_lint, read_declared
from harness.portfolio.history import MAX_COMMITS, read_history
from harness.portfolio.model import (
    Checkout,
    History,
    PortfolioProvenance,
    PortfolioResult,
    Repository,
)
from harness.portfolio.suite import SuiteOptions, SuiteOutcome, run_suite
from harness.portfolio.tree import (
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_FILES,
    Entry,
    list_tree,
    write_checkout,
)
from harness.sandbox.docker import Limits

if TYPE_CHECKING:
    from harness.inventory import Inventory
    from harness.lint import LintSummary
    from harness.portfolio.languages import Counted

RESULT_FILE = "result.json"
REPORT_FILE = "report.html"
Progress = Callable[[str], None]
SLUG = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReviewOptions:
    out: Path = Path("reports")
    run_tests: bool = True
    limit_overrides: Sequence[str] = field(default_factory=tuple)
    max_commits: int = MAX_COMMITS


@dataclass(frozen=True)
class Reviewed:
    result: PortfolioResult
    folder: Path

    @property
    def result_file(self) -> Path:
        return self.folder / RESULT_FILE

    @property
    def report_file(self) -> Path:
        return self.folder / REPORT_FILE


def test_limits(overrides: Sequence[str]) -> Limits:
    """The `test` stage's limits with `--limit test.KEY=VALUE` applied; a limit of another
    stage is refused (only the tests run)."""
    from harness.sandbox.limits import apply_overrides, parse_overrides
    from harness.sandbox.stages import DEFAULT_LIMITS

    parsed = parse_overrides(overrides)
    others = sorted(stage for stage in parsed if stage != "test")
    if others:
        raise HarnessError(
            f"--limit {others[0]}.*: grade repo runs only the tests",
            hint="give test limits, e.g. --limit test.timeout=120",
        )
    return apply_overrides(DEFAULT_LIMITS, parsed)["test"]


def review_repository(given: str, options: ReviewOptions, progress: Progress) -> Reviewed:
    """Review one repository and write its result under `options.out`."""
    from harness.grading import require_writable_folder
    from harness.sandbox.leftovers import owned_temp_dir

    limits = test_limits(options.limit_overrides)
    source = parse_source(given)
    require_writable_folder(options.out)
    with owned_temp_dir("grade-repo-") as work:
        progress(f"clone: {source.shown} (bare: no checkout by git, no hooks, no submodules)")
        cloned = clone(source, work)
        result = _review(cloned, work, options, limits, progress)
    folder = options.out / folder_name(result)
    progress("report: writing result.json and report.html")
    write_text(folder / RESULT_FILE, result.to_json())
    from harness.portfolio.report import write_portfolio_report

    write_portfolio_report(result, folder / REPORT_FILE)
    return Reviewed(result, folder)


def folder_name(result: PortfolioResult) -> str:
    name = SLUG.sub("-", result.repository.name).strip("-.")[:60] or "repository"
    return f"{name}-{result.repository.commit[:12]}"


@dataclass(frozen=True)
class Gathered:
    """Everything read of the repository, before any judgement."""

    cloned: Cloned
    root: Path
    inventory: Inventory
    counted: Counted
    history: History
    suite: SuiteOutcome
    checkout: Checkout
    entries: tuple[Entry, ...]
    lint: LintSummary
    now: datetime
    max_commits: int
    declared: Declared


def _review(
    cloned: Cloned, work: Path, options: ReviewOptions, limits: Limits, progress: Progress
) -> PortfolioResult:
    from harness.inventory import take_inventory
    from harness.lint import lint
    from harness.portfolio.languages import count_languages

    progress("checkout: HEAD's files, written by the harness within limits")
    listing = list_tree(cloned.git)
    if not listing.entries:
        raise RepositoryError(
            f"{cloned.source.shown}: HEAD has no files to review",
            hint="give a repository with committed files",
        )
    root = work / "checkout"
    checkout = write_checkout(cloned.git, listing, root)
    declared = read_declared(*(_text(root / name) for name in DECLARING))
    covered = sum(1 for entry in listing.entries if declared.covers(entry.path))
    checkout = checkout.model_copy(update={"declared": declared.patterns,
                                           "declared_by": declared.sources,
                                           "declared_files": covered})  # fmt: skip
    inventory = judged_inventory(take_inventory(root), declared)
    counted = count_languages(root, declared.covers)
    progress("history: counted, and the newest commits read")
    now = datetime.now(UTC).replace(microsecond=0)
    history = read_history(cloned.git, counted.code_lines, now, options.max_commits)
    suite = run_suite(
        root, inventory, SuiteOptions(options.run_tests, {"test": limits}), work, progress
    )
    progress("checks and signals: reading the code, the files and the README")
    linted = judged_lint(lint(root, inventory.python_lines), declared, inventory.python_lines)
    return _judge(
        Gathered(cloned, root, inventory, counted, history, suite, checkout, listing.entries,
                 linted, now, options.max_commits, declared)
    )  # fmt: skip


def _judge(read: Gathered) -> PortfolioResult:
    from harness.portfolio.checks import repository_context, run_repository_checks
    from harness.portfolio.facts import repository_facts
    from harness.portfolio.flags import build_flags
    from harness.portfolio.questions import build_followup
    from harness.portfolio.repo import Repo
    from harness.portfolio.scoring import score_areas
    from harness.portfolio.signals import run_signals

    suite = read.suite
    context = repository_context(
        read.root,
        read.inventory,
        read.lint,
        suite.run.stage,
        suite.counts,
        suite.run.command or None,
    )
    findings = run_repository_checks(context)
    repo = Repo(context, read.checkout, read.entries, read.counted, read.history, suite.run,
                read.declared)  # fmt: skip
    signals = run_signals(repo)
    facts = repository_facts(repo)
    return PortfolioResult(
        repository=_repository(read.cloned),
        provenance=_provenance(suite, read.now, read.max_commits),
        checkout=read.checkout,
        languages=read.counted.languages,
        history=read.history,
        tests=suite.run,
        signals=signals,
        findings=findings,
        areas=score_areas(signals, findings),
        flags=build_flags(signals, findings, read.checkout),
        facts=facts,
        followup=build_followup(signals, findings, facts),
    )


DECLARING = (".gitattributes", "pyproject.toml", "ruff.toml")
"""The files where a repository declares code not its own (`declared.py`)."""


def _text(path: Path) -> str | None:
    from harness.readers.parsing import Unreadable, read_source

    text = read_source(path) if path.is_file() and not path.is_symlink() else None
    return None if text is None or isinstance(text, Unreadable) else text


def _repository(cloned: Cloned) -> Repository:
    done = cloned.git.run("log", "-1", "--format=%ct", "HEAD")
    stamp = done.text().strip()
    committed = datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else None
    return Repository(
        source=cloned.source.shown,
        name=cloned.source.name,
        commit=cloned.commit,
        branch=cloned.branch,
        committed=committed,
    )


def _provenance(suite: SuiteOutcome, now: datetime, max_commits: int) -> PortfolioProvenance:
    ran = suite.run.stage.verdict != "not_run"
    return PortfolioProvenance(
        harness_version=__version__,
        created=now,
        backend="docker" if ran else "none",
        image_id=suite.image if ran else None,
        limits=dict(suite.limits),
        bounds={
            "commits_read": max_commits,
            "tree_entries": MAX_ENTRIES,
            "files": MAX_FILES,
            "file_bytes": MAX_FILE_BYTES,
        },
    )
