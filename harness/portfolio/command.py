"""`grade repo PATH|GIT_URL`: the click command, importing only click and the standard library
here, so `grade --help` stays fast; the review itself is imported when the command runs.

Register it in the CLI group with one line: `cli.add_command(repo)` (from
`harness.portfolio.command`), or by name in a lazy group:
`"repo": "harness.portfolio.command:repo"`.
It handles the harness's own errors itself the way the CLI does (`grade: error: ...` on stderr,
exit 2), so it behaves the same whether or not the group wraps it; its `-v` sets the same
`grade.verbose` flag the CLI's does, so `reports_errors` may wrap its callback for the rest
(signals, internal errors) without a second `-v`.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from harness.portfolio.review import Reviewed

EXIT_BAD_INPUT = 2


@click.command(
    "repo", short_help="Review a repository as a first screen: flags, questions, evidence."
)
@click.argument("source", metavar="PATH|GIT_URL")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Where to write; the review goes to OUT/<name>-<commit>/.",
)
@click.option(
    "--no-tests",
    "no_tests",
    is_flag=True,
    help="Do not run the repository's tests in the sandbox (their outcome is then unknown).",
)
@click.option(
    "--limit",
    "limits",
    metavar="test.KEY=VALUE",
    multiple=True,
    help="Override a limit of the sandboxed test run, e.g. test.timeout=120 (repeatable).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result.json path and areas as JSON."
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Show the full traceback when something goes wrong."
)
def repo(
    source: str, out: Path, no_tests: bool, limits: tuple[str, ...], as_json: bool, verbose: bool
) -> None:
    """Review a repository (a folder or an https:// URL) the way a first screen does: its
    code, tests, CI, deployment, history and README, with the evidence behind each flag.
    It is cloned bare with hooks, submodules and LFS off; its tests run only in the sandbox."""
    from harness.errors import HarnessError

    ctx = click.get_current_context()
    ctx.meta["grade.verbose"] = ctx.meta.get("grade.verbose", False) or verbose  # as the CLI's -v
    verbose = ctx.meta["grade.verbose"]
    try:
        reviewed = _review(source, out, not no_tests, limits)
    except HarnessError as err:
        if verbose:
            traceback.print_exc(file=sys.stderr)
        click.echo(f"grade: error: {err.one_line()}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    click.echo(_summary(reviewed, as_json))


def _review(source: str, out: Path, run_tests: bool, limits: tuple[str, ...]) -> Reviewed:
    from harness.portfolio.review import ReviewOptions, review_repository

    options = ReviewOptions(out=out, run_tests=run_tests, limit_overrides=limits)
    return review_repository(source, options, _progress)


def _progress(line: str) -> None:
    click.echo(f"  {line}", err=True)


def _summary(reviewed: Reviewed, as_json: bool) -> str:
    from harness.portfolio.summary import summary_json, summary_text

    return summary_json(reviewed) if as_json else summary_text(reviewed)
