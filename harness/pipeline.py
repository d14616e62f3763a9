"""The grading pipeline: intake -> inventory -> sandbox run -> checks -> scoring -> report.

Each stage is a plain function from the previous stage's frozen output to its own. So far:
`inspect_submission` runs intake and inventory; `sandbox_submission` runs intake and the
sandbox stages. Checks, scoring and the report come next.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.contract import Contract
from harness.errors import HarnessError, SandboxError
from harness.intake import IntakeLimits, intake
from harness.inventory import Inventory, take_inventory
from harness.models import Backend, Frozen, StageLimits, StageName, StageResult, SubmissionInfo
from harness.sandbox import docker as engine
from harness.sandbox import image
from harness.sandbox.docker import Limits
from harness.sandbox.limits import apply_overrides, parse_overrides, recorded
from harness.sandbox.local import DIFFERENCES, run_local_stages
from harness.sandbox.session import run_all_stages
from harness.sandbox.stages import DEFAULT_LIMITS, StageInputs


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
    backend: Backend
    image: str | None
    limits: dict[StageName, StageLimits]
    stages: dict[StageName, StageResult]


def sandbox_submission(
    zip_path: Path,
    data: Path,
    features: Path,
    limit_overrides: list[str],
    progress: Callable[[str], None],
    backend: Backend = "docker",
) -> SandboxReport:
    """Intake, then every sandbox stage in fresh hardened containers (or, with the `local`
    backend, plain subprocesses: never the default, and the report says so)."""
    limits = apply_overrides(DEFAULT_LIMITS, parse_overrides(limit_overrides))
    _require_inputs(data, features)
    if backend == "local":
        return _local_submission(zip_path, data, features, limits, progress)
    with tempfile.TemporaryDirectory(prefix="grade-run-") as tmp:
        submission = intake(zip_path, Path(tmp) / "submission")
        client = engine.connect_and_sweep()
        runtime = _runtime_image(client)
        inputs = StageInputs(
            submission=submission.unpacked.root,
            data=data,
            features=features,
            contract=submission.contract,
            image=runtime,
        )
        outcome = run_all_stages(client, inputs, limits, Path(tmp), progress)
    return SandboxReport(
        submission=submission.info,
        backend="docker",
        image=outcome.image,
        limits=recorded(limits),
        stages=outcome.stages,
    )


def _local_submission(
    zip_path: Path,
    data: Path,
    features: Path,
    limits: dict[StageName, Limits],
    progress: Callable[[str], None],
) -> SandboxReport:
    progress(f"warning: {DIFFERENCES}")
    with tempfile.TemporaryDirectory(prefix="grade-local-") as tmp:
        submission = intake(zip_path, Path(tmp) / "submission")
        inputs = StageInputs(submission.unpacked.root, data, features, submission.contract, "")
        outcome = run_local_stages(inputs, limits, Path(tmp) / "work", progress)
    return SandboxReport(
        submission=submission.info,
        backend="local",
        image=None,
        limits=recorded(limits),
        stages=outcome,
    )


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
