"""The `grade` command line: parse, call one function, print. No logic lives here.

Exit codes: 0 success; 1 `grade sandbox doctor` or `grade check` found a problem; 2 bad
input or usage (one line on stderr); 3 an internal error of the harness (a bug: rerun with
-v for the traceback); 130 interrupted (SIGINT), 143 terminated (SIGTERM): containers and
temporary files are removed first, then one line on stderr says what was stopped.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import click

from harness import __version__
from harness.cluster.command import cluster_options
from harness.cluster.target import ClusterTarget
from harness.errors import HarnessError
from harness.lazy.group import LazyGroup
from harness.signals import Terminated, sigterm_unwinds

# What the commands call. `grade --help` must not import pandas, scikit-learn or the Docker
# SDK, so at run time each name is a stand-in that imports its module on the first call
# (harness/lazy/imports.py); mypy sees the real imports. Add a name to both halves.
if TYPE_CHECKING:
    from rich.console import Console

    from harness.batch.progress import StderrDisplay
    from harness.batch.run import BatchOptions, run_batch
    from harness.batch.summary import print_batch
    from harness.challenge_summary import print_catalog, print_validation
    from harness.challenges.bundle import pack
    from harness.challenges.catalog import load_catalog
    from harness.challenges.scaffold import scaffold
    from harness.challenges.validation import validate
    from harness.cohort import CohortOptions, build_cohort
    from harness.grading import grade_submission
    from harness.models import Backend, schema_text
    from harness.pipeline import RunOptions, inspect_submission, sandbox_submission
    from harness.report.render import rerender
    from harness.result_summary import print_checks, print_result
    from harness.review.command import review_command
    from harness.sandbox.doctor import diagnose
    from harness.sandbox.setup import build_all
    from harness.selfcheck.backend import Requested
    from harness.selfcheck.run import CheckOptions, self_check
    from harness.selfcheck.summary import print_self_check
    from harness.summary import print_diagnoses, print_inspection, print_sandbox_report
else:
    from harness.lazy.imports import deferred

    (Console,) = deferred("rich.console", "Console")
    (StderrDisplay,) = deferred("harness.batch.progress", "StderrDisplay")
    BatchOptions, run_batch = deferred("harness.batch.run", "BatchOptions", "run_batch")
    (print_batch,) = deferred("harness.batch.summary", "print_batch")
    print_catalog, print_validation = deferred(
        "harness.challenge_summary", "print_catalog", "print_validation"
    )
    (pack,) = deferred("harness.challenges.bundle", "pack")
    (load_catalog,) = deferred("harness.challenges.catalog", "load_catalog")
    (scaffold,) = deferred("harness.challenges.scaffold", "scaffold")
    (validate,) = deferred("harness.challenges.validation", "validate")
    CohortOptions, build_cohort = deferred("harness.cohort", "CohortOptions", "build_cohort")
    (grade_submission,) = deferred("harness.grading", "grade_submission")
    (schema_text,) = deferred("harness.models", "schema_text")
    RunOptions, inspect_submission, sandbox_submission = deferred(
        "harness.pipeline", "RunOptions", "inspect_submission", "sandbox_submission"
    )
    (rerender,) = deferred("harness.report.render", "rerender")
    print_checks, print_result = deferred("harness.result_summary", "print_checks", "print_result")
    (review_command,) = deferred("harness.review.command", "review_command")
    (diagnose,) = deferred("harness.sandbox.doctor", "diagnose")
    (build_all,) = deferred("harness.sandbox.setup", "build_all")
    CheckOptions, self_check = deferred("harness.selfcheck.run", "CheckOptions", "self_check")
    (print_self_check,) = deferred("harness.selfcheck.summary", "print_self_check")
    print_diagnoses, print_inspection, print_sandbox_report = deferred(
        "harness.summary", "print_diagnoses", "print_inspection", "print_sandbox_report"
    )

# Commands defined in their own packages, registered here by one line each:
#     "repo": "harness.portfolio.command:repo",
# where the attribute is a click command (or group). Its module is imported only when the
# command runs or `grade --help` lists it, so it imports only click and the standard library
# at its top (the rest inside the command's function). Decorated like the commands below
# (`@verbose_option` and `@reports_errors` from this module), a HarnessError it raises is one
# line and exit 2, as everywhere else.
EXTERNAL_COMMANDS: dict[str, str] = {"repo": "harness.portfolio.command:repo"}

CHALLENGES_ENV = "GRADE_CHALLENGES"
"""= harness.challenges.catalog.ENV_VAR, for the help text: importing that module would load
pydantic and the Docker SDK at every start (tests/test_cli_lazy.py holds the two equal)."""
COHORT_SORT_KEYS = (
    "name", "total", "correctness", "code_quality", "deployment", "data_judgment",
    "communication",
)  # fmt: skip
"""= harness.cohort.SORT_KEYS, for `--sort`'s choices (tests/test_cli_lazy.py holds them
equal): importing it would load the cohort's whole package, pandas and jinja2 with it."""

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

P = ParamSpec("P")
R = TypeVar("R")


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta["grade.verbose"] = ctx.meta.get("grade.verbose", False) or value


verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    callback=_set_verbose,
    help="Show the full traceback when something goes wrong.",
)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the harness's own errors into one line on stderr and a documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = click.get_current_context()
        try:
            with sigterm_unwinds():
                return command(*args, **kwargs)
        except HarnessError as err:
            _fail(ctx, f"error: {err.one_line()}", EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException):
            raise  # click's own exits and usage errors
        except KeyboardInterrupt:
            _fail(ctx, f"interrupted (SIGINT): {_stopped(ctx)}", EXIT_INTERRUPTED)
        except Terminated:  # a SystemExit, so after every `finally` below has run
            _fail(ctx, f"terminated (SIGTERM): {_stopped(ctx)}", EXIT_TERMINATED)
        except Exception as err:  # the last resort: a bug in the harness, never a traceback
            message = " ".join(f"{type(err).__name__}: {err}".split())
            _fail(ctx, f"internal error: {message} (a bug in grade; -v shows where)", EXIT_INTERNAL)

    return wrapper


def _stopped(ctx: click.Context) -> str:
    """What a signal stopped, said once the cleanup of every `finally` on the way out ran."""
    words = [word for word in ctx.command_path.split()[1:] if word != "submission"]
    target = ctx.params.get("submission") or ctx.params.get("folder")
    command = " ".join(["grade", *words, *([str(target)] if target else [])])
    return f"stopped {command}; its processes, containers and temporary files were removed"


def _fail(ctx: click.Context, line: str, code: int) -> NoReturn:
    if ctx.meta.get("grade.verbose"):
        import traceback  # only for -v: it costs every start a few milliseconds

        traceback.print_exc(file=sys.stderr)
    click.echo(f"grade: {line}", err=True)
    ctx.exit(code)


class SubmissionFirst(LazyGroup):
    """`grade SUBMISSION.zip ...` is `grade submission SUBMISSION.zip ...`: grading a zip is
    the main job, so it needs no command name."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        if first is not None and first not in self.list_commands(ctx):
            args = ["submission", *args] if args[0] == first else _after_flags(args, first)
        return super().parse_args(ctx, args)


def _after_flags(args: list[str], first: str) -> list[str]:
    """Group flags (`-v`) stay before the implied command name."""
    at = args.index(first)
    return [*args[:at], "submission", *args[at:]]


@click.group(
    cls=SubmissionFirst,
    lazy_commands=EXTERNAL_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="grade")
@verbose_option
def cli() -> None:
    """Grade AI/ML-engineer take-home submissions, with the evidence behind every score.

    \b
    grade SUBMISSION.zip          grade one submission: result.json and report.html
    grade COMMAND --help          what each command below does
    """


challenges_option = click.option(
    "--challenges",
    "challenge_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help=f"A folder of challenges, searched before {CHALLENGES_ENV} and the bundled examples.",
)


limit_option = click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="STAGE.KEY=VALUE",
    help="Override a limit: train.timeout=600, predict.memory=1024, cpus, pids.",
)
backend_option = click.option(
    "--backend",
    type=click.Choice(["docker", "local"]),
    default="docker",
    show_default=True,
    help="local: plain subprocesses, for machines without Docker (never for real grading).",
)


@cli.command("submission", hidden=True)
@click.argument("submission", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Where results go: OUT/<submission id>/result.json and report.html.",
)
@limit_option
@backend_option
@challenges_option
@click.option("--json", "as_json", is_flag=True, help="Print result.json instead of a summary.")
@verbose_option
@reports_errors
def grade_zip(submission: Path, out: Path, limits: tuple[str, ...], backend: Backend,
              challenge_dirs: tuple[Path, ...], as_json: bool) -> None:  # fmt: skip
    """Grade SUBMISSION (a .zip): run it in the sandbox, check it, score it, write the report."""
    options = RunOptions(load_catalog(challenge_dirs), None, None, limits, backend)
    graded = grade_submission(submission, options, out, timed_progress())
    if as_json:
        click.echo(graded.result.to_json(), nl=False)
    else:
        print_result(graded, Console())


@cli.command("batch")
@click.argument("inputs", metavar="INPUT...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Where results and the ledger go: OUT/<submission id>/, OUT/ledger.jsonl.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    help="Gradings at once; default: what the cores and memory hold at the stage limits.",
)
@click.option("--regrade", is_flag=True, help="Grade again what the ledger has as complete.")
@limit_option
@challenges_option
@cluster_options
@verbose_option
@reports_errors
def batch(inputs: tuple[Path, ...], out: Path, jobs: int | None, regrade: bool,
          limits: tuple[str, ...], challenge_dirs: tuple[Path, ...],
          cluster: ClusterTarget | None) -> None:  # fmt: skip
    """Grade many submissions in parallel: zips, folders of zips, manifest CSVs (name,contact,zip).

    A rerun skips what the ledger in OUT has; exit 1 when some could not be graded."""
    options = BatchOptions(inputs, out, jobs, regrade, challenge_dirs, limits, cluster=cluster)
    report = run_batch(options, StderrDisplay())
    print_batch(report, Console())
    if report.failed:
        click.get_current_context().exit(1)


@cli.command()
@click.argument("submission", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead.")
@verbose_option
@reports_errors
def inspect(submission: Path, as_json: bool) -> None:
    """Unpack SUBMISSION (a .zip) safely and list what it holds, without running it."""
    inspection = inspect_submission(submission)
    if as_json:
        click.echo(inspection.model_dump_json(indent=2))
    else:
        print_inspection(inspection, Console())


@cli.command("check")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--zip",
    "zip_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the submission zip to send here (caches, environments, data copies left out).",
)
@click.option(
    "--backend",
    "check_backend",
    type=click.Choice(["auto", "docker", "local"]),
    default="auto",
    show_default=True,
    help="auto: Docker with the grading image if it is there, else plain local processes.",
)
@challenges_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead.")
@verbose_option
@reports_errors
def check(folder: Path, zip_out: Path | None, check_backend: Requested,
          challenge_dirs: tuple[Path, ...], as_json: bool) -> None:  # fmt: skip
    """Self-check your submission folder DIR before you send it (exit 1: something to fix)."""
    options = CheckOptions(challenge_dirs, check_backend, zip_out)
    checked = self_check(folder, options, _progress)
    if as_json:
        click.echo(checked.model_dump_json(indent=2))
    else:
        print_self_check(checked, Console())
    if not checked.ready:
        click.get_current_context().exit(1)


@cli.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead.")
@verbose_option
@reports_errors
def list_checks(as_json: bool) -> None:
    """List every check: its id, dimension, title and what it looks at."""
    import json

    from harness.checks import REGISTRY  # a mapping, not a call: imported here, when it runs

    if as_json:
        rows = [
            {"id": c.id, "dimension": c.dimension, "title": c.title, "doc": c.doc}
            for c in sorted(REGISTRY.values(), key=lambda c: c.id)
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        print_checks(REGISTRY.values(), Console())


@cli.command()
@verbose_option
@reports_errors
def schema() -> None:
    """Print the JSON Schema of result.json."""
    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument(
    "result_json", metavar="RESULT.json", type=click.Path(path_type=Path, dir_okay=False)
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the report; default: report.html beside RESULT.json.",
)
@challenges_option
@verbose_option
@reports_errors
def report(result_json: Path, out: Path | None, challenge_dirs: tuple[Path, ...]) -> None:
    """Re-render the HTML report of a saved RESULT.json, without grading again; with the
    interviewer's review.toml and the cohort's similarity.json beside it, when there."""
    click.echo(f"wrote {rerender(result_json, out, challenge_dirs)}")


@cli.command("review")
@click.argument(
    "result_json", metavar="RESULT.json", type=click.Path(path_type=Path, dir_okay=False)
)
@challenges_option
@verbose_option
@reports_errors
def review(result_json: Path, challenge_dirs: tuple[Path, ...]) -> None:
    """Write review.toml beside RESULT.json for the interviewer, or check the one there."""
    click.echo(review_command(result_json, challenge_dirs))


@cli.command("cohort")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option("--challenge", "challenge_id", metavar="ID", help="Compare this challenge's results.")
@click.option("--blind", is_flag=True, help="Pseudonyms instead of names, everywhere it writes.")
@click.option(
    "--sort",
    type=click.Choice(COHORT_SORT_KEYS),
    default="name",
    show_default=True,
    help="Row order: by name, or a score (highest first).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write; default: DIR/cohort/ (DIR/cohort-blind/ with --blind).",
)
@challenges_option
@verbose_option
@reports_errors
def cohort(folder: Path, challenge_id: str | None, blind: bool, sort: str, out: Path | None,
           challenge_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Compare the graded results in DIR side by side: one HTML page and CSV files."""
    options = CohortOptions(challenge_id, blind, sort, out, challenge_dirs)
    written = build_cohort(folder, options)
    rows = f"{written.rows} submission" + ("" if written.rows == 1 else "s")
    click.echo(f"wrote {written.page} ({rows}) and the CSV files beside it")
    click.echo(written.similarity)
    for note in written.notes:
        click.echo(f"note: {note}")


@cli.group()
def sandbox() -> None:
    """The Docker sandbox: build its images, check it, clean up, run a submission in it."""


@sandbox.command()
@verbose_option
@reports_errors
def build() -> None:
    """Build the base and runtime images (a warm build does nothing)."""
    built = build_all(_progress)
    state = "already built" if built.reused else "built"
    click.echo(f"runtime image {built.tag} {state} ({built.image_id[:19]})")


@sandbox.command()
@verbose_option
@reports_errors
def doctor() -> None:
    """Check the engine, its limits, the images and disk; name the fix for each problem."""
    diagnoses = diagnose()
    print_diagnoses(diagnoses, Console())
    if not all(d.ok for d in diagnoses):
        click.get_current_context().exit(1)


@sandbox.command()
@verbose_option
@reports_errors
def clean() -> None:
    """Remove every container, volume, network and dangling build image the harness left,
    its old images, and the temp folders of harness processes that were killed."""
    from harness.sandbox import docker as engine  # only this command needs these
    from harness.sandbox.image import current_images
    from harness.sandbox.leftovers import sweep_temp_folders

    client = engine.connect()
    removed = engine.sweep(client, everything=True)
    images = engine.remove_old_images(client, current_images(client))
    folders = sweep_temp_folders()
    click.echo(
        f"removed {removed} containers, volumes, networks and dangling build images, "
        f"{images} old images and {folders} temp folders of killed harnesses"
    )


@sandbox.command("run")
@click.argument("submission", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder with the training data (train.csv); default: the challenge's public data.",
)
@click.option(
    "--features",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The features CSV predict gets; default: the holdout, or the public sample.",
)
@limit_option
@backend_option
@challenges_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead.")
@verbose_option
@reports_errors
def run_stages(
    submission: Path,
    data: Path | None,
    features: Path | None,
    limits: tuple[str, ...],
    backend: Backend,
    challenge_dirs: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Run SUBMISSION's stages (install, train, predict, test, serve) in the sandbox."""
    options = RunOptions(load_catalog(challenge_dirs), data, features, limits, backend)
    report = sandbox_submission(submission, options, _progress)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        print_sandbox_report(report, Console())


@cli.group()
def challenge() -> None:
    """Challenges: list them, validate one, pack its candidate bundle, scaffold a new one."""


@challenge.command("list")
@challenges_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead.")
@verbose_option
@reports_errors
def list_challenges(challenge_dirs: tuple[Path, ...], as_json: bool) -> None:
    """List the challenges on the search path."""
    import json

    catalog = load_catalog(challenge_dirs)
    if as_json:
        rows = [c.model_dump(mode="json") for c in catalog.challenges.values()]
        click.echo(json.dumps(rows, indent=2))
    else:
        print_catalog(catalog, Console())


@challenge.command("validate")
@click.argument("challenge_ids", metavar="ID...", nargs=-1, required=True)
@click.option(
    "--seeds",
    default=5,
    show_default=True,
    type=click.IntRange(1, 20),
    help="Generator seeds to run the references on (the committed one first).",
)
@click.option(
    "--record",
    is_flag=True,
    help="Write the references' holdout scores to reference/scores.toml (grading reads them).",
)
@challenges_option
@verbose_option
@reports_errors
def validate_challenge(challenge_ids: tuple[str, ...], seeds: int, record: bool,
                       challenge_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Prove challenge ID works: data regenerate, nothing private leaks, references separate."""
    catalog = load_catalog(challenge_dirs)
    chosen = [catalog.get(challenge_id) for challenge_id in challenge_ids]
    valid = True
    for one in chosen:
        validation = validate(one, seeds, _progress, record)
        print_validation(validation, Console())
        valid = valid and validation.ok
    if not valid:
        click.get_current_context().exit(1)


@challenge.command("pack")
@click.argument("challenge_id", metavar="ID")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the candidate bundle (.zip).",
)
@challenges_option
@verbose_option
@reports_errors
def pack_challenge(challenge_id: str, out: Path, challenge_dirs: tuple[Path, ...]) -> None:
    """Write the candidate bundle of challenge ID: brief, data, contract, self-check."""
    names = pack(load_catalog(challenge_dirs).get(challenge_id), out)
    click.echo(f"wrote {out} ({len(names)} files: {', '.join(names)}); nothing private in it")


@challenge.command("new")
@click.argument("challenge_id", metavar="ID")
@click.option(
    "--in",
    "parent",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The (private) folder of challenges to create it in.",
)
@verbose_option
@reports_errors
def new_challenge(challenge_id: str, parent: Path) -> None:
    """Scaffold challenge ID in a folder, with a toy generator that already runs."""
    files = scaffold(challenge_id, parent)
    click.echo(f"created {parent / challenge_id} ({len(files)} files); next: its README.md")


def _progress(message: str) -> None:
    click.echo(f"grade: {message}", err=True)


def timed_progress() -> Callable[[str], None]:
    """Progress lines on stderr with the seconds since grading started."""
    started = time.monotonic()

    def progress(message: str) -> None:
        click.echo(f"grade: [{time.monotonic() - started:5.0f} s] {message}", err=True)

    return progress


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="grade")
