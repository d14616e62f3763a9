"""`grade SUBMISSION.zip`: intake -> inventory -> sandbox run -> checks -> scoring -> report.

Everything a grader needs of the challenge's private side (the trap, the holdout, the
rubric) is read before any code runs, so a missing piece fails in a second, not after the
training. The result is written as `<out>/<submission id>/result.json` (and the report
beside it), each atomically: a crash never leaves half a file, and grading the same zip
again replaces the old result only once the new one is complete.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.challenges.model import Challenge, Trap, load_trap
from harness.challenges.reference_scores import read_reference_scores
from harness.checks import applicable_checks, known_check_ids, run_checks
from harness.checks.context import CheckContext
from harness.checks.facts import submission_facts
from harness.checks.model_api import model_api_use
from harness.errors import HarnessError
from harness.files import write_text
from harness.holdout import HOLDOUT, HoldoutKey, load_holdout, score_slice
from harness.intake import Submission, intake, sha256_file
from harness.inventory import take_inventory
from harness.lint import lint
from harness.metrics import metric
from harness.models import ChallengeRef, Metrics, Provenance, Result
from harness.pipeline import RunOptions, SandboxRun, run_sandbox
from harness.report import build_followup, write_report
from harness.report.render import REPORT_NAME
from harness.report.reviewed import read_beside
from harness.rubric import Rubric, load_rubric
from harness.sandbox.limits import parse_overrides
from harness.scoring import score_dimensions
from harness.trap_assessment import assess_trap

RESULT_FILE = "result.json"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Private:
    """The grader's side of a challenge: what a candidate never sees."""

    trap: Trap
    holdout: HoldoutKey
    rubric: Rubric


@dataclass(frozen=True)
class Graded:
    """A graded submission and where its files were written."""

    result: Result
    folder: Path

    @property
    def result_file(self) -> Path:
        return self.folder / RESULT_FILE

    @property
    def report_file(self) -> Path:
        return self.folder / REPORT_NAME


def grade_submission(
    zip_path: Path,
    options: RunOptions,
    out: Path,
    progress: Progress,
    candidate: str | None = None,
) -> Graded:
    """Grade one zip and write its result under `out`; bad input fails before anything runs.
    `candidate` is the name the result shows (default: the zip's file name without `.zip`)."""
    parse_overrides(options.limit_overrides)
    require_writable_folder(out)
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        progress("intake: unpacking safely")
        submission = intake(zip_path, Path(tmp) / "submission")
        if candidate:
            info = submission.info.model_copy(update={"candidate": candidate})
            submission = dataclasses.replace(submission, info=info)
        challenge = options.catalog.get(submission.contract.challenge)
        private = load_private(challenge)
        run = run_sandbox(submission, challenge, options, Path(tmp), progress)
        progress("checks: reading the code, the run and the write-up")
        result = judge(submission, challenge, private, run)
    result = result.model_copy(update={"followup": build_followup(result, challenge.folder)})
    folder = out / result.submission.id
    progress("report: writing result.json and report.html")
    write_text(folder / RESULT_FILE, result.to_json())
    result_file = folder / RESULT_FILE
    write_report(
        result, folder / REPORT_NAME, read_beside(result_file, result, options.catalog.roots)
    )
    return Graded(result, folder)


def require_writable_folder(out: Path) -> None:
    """Make `out` and write and remove a probe file in it: a folder the result could not be
    written to fails in a second, not after the whole grading."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _not_writable(out, "cannot create that folder", err) from err
    try:
        with tempfile.NamedTemporaryFile(dir=out, prefix=".grade-probe-") as probe:
            probe.write(b"probe")
            probe.flush()
    except OSError as err:
        raise _not_writable(out, "cannot write in that folder", err) from err


def _not_writable(out: Path, what: str, err: OSError) -> HarnessError:
    return HarnessError(
        f"--out {out}: {what} ({err.strerror or err})", hint="pass --out a folder you can write to"
    )


def load_private(challenge: Challenge) -> Private:
    """The trap, the holdout and the rubric; a missing piece is a one-line error."""
    return Private(
        trap=load_trap(challenge),
        holdout=load_holdout(challenge),
        rubric=load_rubric(challenge.rubric_path, known_check_ids()),
    )


def judge(
    submission: Submission, challenge: Challenge, private: Private, run: SandboxRun
) -> Result:
    """Checks, the trap verdict and scores, as one result (nothing here runs code)."""
    context = check_context(submission, challenge, private, run)
    findings = run_checks(context, applicable_checks(challenge))
    return Result(
        submission=submission.info,
        challenge=ChallengeRef(id=challenge.id, version=challenge.version),
        provenance=provenance(challenge, private.trap, run),
        stages=run.stages,
        findings=findings,
        dimensions=score_dimensions(private.rubric, findings),
        trap=assess_trap(context, findings),
        metrics=holdout_metrics(context),
        facts=submission_facts(context),
        model_api=model_api_use(context),
    )


def check_context(
    submission: Submission, challenge: Challenge, private: Private, run: SandboxRun
) -> CheckContext:
    root = submission.unpacked.root
    inventory = take_inventory(root)
    return CheckContext(
        root=root,
        inventory=inventory,
        contract=submission.contract,
        challenge=challenge,
        trap=private.trap,
        holdout=private.holdout,
        stages=run.stages,
        predictions_file=run.predictions,
        tests=run.tests,
        probe=run.probe,
        lint=lint(root, inventory.python_lines),
        backend=run.backend,
        references=read_reference_scores(challenge),
        model_api=run.model_api,
    )


def holdout_metrics(context: CheckContext) -> Metrics:
    """The headline metric on the honest holdout and on each slice, beside the baseline,
    the references and the candidate's estimate."""
    scorer = metric(context.holdout_metric)
    slices: dict[str, float | None] = {}
    if context.holdout is not None and context.predictions is not None:
        names = sorted(set(context.holdout.labels["slice"]))
        slices = {
            n: score_slice(context.holdout, context.predictions, scorer, n).value for n in names
        }
    return Metrics(
        metric=scorer.name,
        holdout=_rounded(context.holdout_score),
        baseline=_rounded(context.baseline_score),
        references=dict(context.references),
        slices={name: _rounded(value) for name, value in slices.items()},
        estimate=context.contract.estimate,
    )


def provenance(challenge: Challenge, trap: Trap, run: SandboxRun) -> Provenance:
    """What produced this result: harness, challenge data, image, limits, backend, seed."""
    files = [
        challenge.train_data / "train.csv",
        *(challenge.folder / HOLDOUT / n for n in ("features.csv", "labels.csv")),
    ]
    return Provenance(
        harness_version=__version__,
        created=datetime.now(UTC).replace(microsecond=0),
        backend=run.backend,
        image_id=run.image,
        limits=run.limits,
        data_hashes={f.relative_to(challenge.folder).as_posix(): sha256_file(f) for f in files},
        seeds={"generator": trap.seed},
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
