"""The grading pipeline: intake -> inventory -> sandbox run -> checks -> scoring -> report.

Each stage is a plain function from the previous stage's frozen output to its own.
`inspect_submission` runs intake and inventory; `sandbox_submission` runs intake and the
sandbox stages; `harness.grading.grade_submission` runs all of it, then checks, scoring and
the report.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.api_grading.run import ModelApiRun, graded_config
from harness.challenges.catalog import Catalog
from harness.challenges.model import Challenge, load_trap
from harness.contract import Contract, check_model_api_placeholders
from harness.errors import HarnessError, SandboxError
from harness.holdout import HOLDOUT
from harness.intake import IntakeLimits, Submission, intake
from harness.inventory import Inventory, take_inventory
from harness.models import (
    Backend,
    ChallengeRef,
    Frozen,
    StageLimits,
    StageName,
    StageResult,
    SubmissionInfo,
)
from harness.sandbox import docker as engine
from harness.sandbox import image
from harness.sandbox.docker import Limits
from harness.sandbox.limits import apply_overrides, parse_overrides, recorded
from harness.sandbox.local import DIFFERENCES, run_local_stages_with_api
from harness.sandbox.serve import ProbeReport
from harness.sandbox.session import SandboxOutcome, run_all_stages
from harness.sandbox.stages import DEFAULT_LIMITS, StageInputs, TestCounts


class Inspection(Frozen):
    """What intake and inventory found, before any code runs."""

    submission: SubmissionInfo
    contract: Contract
    inventory: Inventory
    dropped: tuple[str, ...]
    """Zip entries dropped as junk (macOS metadata, bytecode caches)."""
    collapsed: str | None
    """The single top-level folder collapsed, if any."""


def inspect_submission(zip_path: Path, limits: IntakeLimits | None = None) -> Inspection:
    """Unpack a zip into a temporary folder, take its inventory, and clean up."""
    with tempfile.TemporaryDirectory(prefix="grade-inspect-") as tmp:
        submission = intake(zip_path, Path(tmp) / "submission", limits)
        return Inspection(
            submission=submission.info,
            contract=submission.contract,
            inventory=take_inventory(submission.unpacked.root),
            dropped=submission.unpacked.dropped,
            collapsed=submission.unpacked.collapsed,
        )


class SandboxReport(Frozen):
    """What the sandbox stages of one submission did, without checks or scores yet."""

    submission: SubmissionInfo
    challenge: ChallengeRef
    backend: Backend
    image: str | None
    limits: dict[StageName, StageLimits]
    stages: dict[StageName, StageResult]


@dataclass(frozen=True)
class RunOptions:
    """How to run a submission: against which challenges, inputs and limits, on which backend."""

    catalog: Catalog
    data: Path | None = None
    """The training data folder; by default the challenge's public data."""
    features: Path | None = None
    """The features `predict` gets; by default the holdout, or the public sample without it."""
    limit_overrides: tuple[str, ...] = ()
    backend: Backend = "docker"
    keep_predictions: Path | None = None
    """Copy the predictions file here (for the checks, or a challenge's validation)."""
    skip: frozenset[StageName] = frozenset()
    """Stages not to run (Docker backend): `test` and `serve` when only predictions matter."""
    model_api: Literal["graded", "standin"] = "graded"
    """A challenge's model API as graded (its faults, its canaries), or its public stand-in
    (the candidate's self-check: no fault schedule, nothing private)."""
    model_api_folder: Path | None = None
    """Where the model API's config is read: by default the challenge's folder; in a
    challenge's validation, the folder of a seed's generated data (its own canaries)."""


@dataclass(frozen=True)
class SandboxRun:
    """Every stage's result, with what the checks read later: the predictions file (copied
    out of the sandbox), the test counts and the serve probe."""

    backend: Backend
    image: str | None
    limits: dict[StageName, StageLimits]
    stages: dict[StageName, StageResult]
    predictions: Path | None
    tests: TestCounts | None = None
    probe: ProbeReport | None = None
    model_api: ModelApiRun | None = None
    """What the challenge's model API saw (None: it gives none, or the stages never ran)."""


def sandbox_submission(
    zip_path: Path, options: RunOptions, progress: Callable[[str], None]
) -> SandboxReport:
    """Intake, then every sandbox stage in fresh hardened containers (or, with the `local`
    backend, plain subprocesses: never the default, and the report says so)."""
    return sandbox_submission_with_api(zip_path, options, progress)[0]


def sandbox_submission_with_api(
    zip_path: Path, options: RunOptions, progress: Callable[[str], None]
) -> tuple[SandboxReport, ModelApiRun | None]:
    """`sandbox_submission`, with what the challenge's model API saw (a challenge's
    validation measures its references' trap from that log)."""
    parse_overrides(options.limit_overrides)  # a bad --limit fails before anything runs
    with tempfile.TemporaryDirectory(prefix="grade-run-") as tmp:
        submission = intake(zip_path, Path(tmp) / "submission")
        challenge = options.catalog.get(submission.contract.challenge)
        run = run_sandbox(submission, challenge, options, Path(tmp), progress)
        _keep(run.predictions, options.keep_predictions)
    return _report(submission, challenge, run), run.model_api


def _report(submission: Submission, challenge: Challenge, run: SandboxRun) -> SandboxReport:
    return SandboxReport(
        submission=submission.info,
        challenge=ChallengeRef(id=challenge.id, version=challenge.version),
        backend=run.backend,
        image=run.image,
        limits=run.limits,
        stages=run.stages,
    )


def run_sandbox(
    submission: Submission,
    challenge: Challenge,
    options: RunOptions,
    workdir: Path,
    progress: Callable[[str], None],
) -> SandboxRun:
    """Run an unpacked submission's stages against its challenge; the predictions file is
    left under `workdir`."""
    limits = apply_overrides(
        DEFAULT_LIMITS,
        parse_overrides([*challenge.limit_overrides(), *options.limit_overrides]),
    )
    data, features = _inputs(challenge, options)
    api = model_api_config(submission, challenge, options.model_api, options.model_api_folder)
    inputs = StageInputs(
        submission.unpacked.root, data, features, submission.contract, "", challenge.id_column
    )
    if options.backend == "local":
        progress(f"warning: {DIFFERENCES}")
        stages, used = run_local_stages_with_api(inputs, limits, workdir / "work", progress, api)
        predictions = workdir / "work" / "output" / "predictions.csv"
        return SandboxRun("local", None, recorded(limits), stages, _existing(predictions),
                          model_api=used)  # fmt: skip
    outcome = _docker_stages(inputs, limits, workdir, progress, options.skip, api)
    found = outcome.predictions / "predictions.csv" if outcome.predictions else None
    return SandboxRun("docker", outcome.image, recorded(limits), outcome.stages,
                      _existing(found), outcome.tests, outcome.probe,
                      outcome.model_api)  # fmt: skip


def model_api_config(
    submission: Submission,
    challenge: Challenge,
    mode: Literal["graded", "standin"] = "graded",
    folder: Path | None = None,
) -> dict[str, Any] | None:
    """The model API's config for this submission, graded or the public stand-in's (None:
    the challenge gives no model API, and then its placeholders are refused as unknown),
    read from `folder` (by default the challenge's)."""
    from harness.model_api.config import offers_model_api, standin_config

    folder = folder or challenge.folder
    present = offers_model_api(folder)
    check_model_api_placeholders(submission.contract, present)
    if not present:
        return None
    if mode == "standin":
        return standin_config(folder)
    return graded_config(folder, load_trap(challenge).seed, submission.info.id)


def _existing(path: Path | None) -> Path | None:
    return path if path is not None and path.is_file() else None


def _docker_stages(
    inputs: StageInputs,
    limits: dict[StageName, Limits],
    workdir: Path,
    progress: Callable[[str], None],
    skip: frozenset[StageName],
    model_api: dict[str, Any] | None = None,
) -> SandboxOutcome:
    client = engine.connect_and_sweep()
    runtime = _runtime_image(client)
    inputs = dataclasses.replace(inputs, image=runtime)
    return run_all_stages(client, inputs, limits, workdir, progress, skip, model_api)


def _inputs(challenge: Challenge, options: RunOptions) -> tuple[Path, Path]:
    data = options.data or challenge.train_data
    holdout = challenge.folder / HOLDOUT / "features.csv"
    sample = challenge.train_data / "sample_features.csv"
    features = options.features or (holdout if holdout.is_file() else sample)
    _require_inputs(data, features)
    return data.resolve(), features.resolve()  # Docker mounts only absolute paths


def _keep(predictions: Path | None, destination: Path | None) -> None:
    if destination is None:
        return
    destination.unlink(missing_ok=True)
    if predictions is not None:
        shutil.copyfile(predictions, destination)


def _require_inputs(data: Path, features: Path) -> None:
    if not (data / "train.csv").is_file():
        raise HarnessError(f"{data}: no train.csv in it", hint="--data is the training data folder")
    if not features.is_file():
        raise HarnessError(f"{features}: no such file", hint="--features is a features CSV")


def _runtime_image(client: Any) -> str:
    tag = image.runtime_tag(client)
    if engine.find_image(client, tag) is None:
        raise SandboxError(
            f"the runtime image {tag} is not built", hint="run `grade sandbox build`"
        )
    return tag
