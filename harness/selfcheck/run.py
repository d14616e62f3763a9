"""`grade check DIR`: the candidate's folder through the grader's own steps, public side only.

contract -> packing (the zip to send, through intake) -> sandbox stages on that zip, with the
challenge's public training data and sample features passed explicitly (so the holdout is
never even looked up) -> the predictions' format -> lint. Nothing here reads `private/`,
the rubric or the references.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.challenges.catalog import Catalog, load_catalog
from harness.challenges.model import Challenge
from harness.contract import Contract
from harness.errors import HarnessError
from harness.files import replacing
from harness.models import Backend
from harness.pipeline import RunOptions, sandbox_submission
from harness.selfcheck.backend import Requested, choose_backend
from harness.selfcheck.folder_items import contract_item, lint_item, packing_item
from harness.selfcheck.items import Item, SelfCheck, skipped
from harness.selfcheck.packing import plan_pack, write_zip
from harness.selfcheck.predictions import check_predictions
from harness.selfcheck.stage_items import stage_items

Progress = Callable[[str], None]
SAMPLE_FEATURES = "sample_features.csv"
STAGE_ITEMS = ("install", "train", "predict", "predictions", "tests", "serve")


@dataclass(frozen=True)
class CheckOptions:
    """What `grade check` was asked for."""

    challenge_dirs: tuple[Path, ...] = ()
    backend: Requested = "auto"
    zip_out: Path | None = None
    """Write the submission zip to send here (only when nothing failed)."""


def self_check(folder: Path, options: CheckOptions, progress: Progress) -> SelfCheck:
    """Every self-check item for `folder`; raises `HarnessError` only for bad usage."""
    folder = _require_folder(folder)
    catalog = load_catalog(options.challenge_dirs)
    progress("check: assessment.toml")
    contract_result, contract, challenge = contract_item(folder, catalog)
    choice = choose_backend(options.backend)
    plan = plan_pack(folder, challenge, skip=options.zip_out)
    with tempfile.TemporaryDirectory(prefix="grade-check-") as tmp:
        work = Path(tmp)
        progress("check: packing the folder as intake will unpack it")
        zip_path = write_zip(folder, plan.files, work / "submission.zip")
        packing, root = packing_item(
            plan, zip_path, work / "unpacked", contract is not None, options.zip_out is not None
        )
        context = _Context(catalog, choice.backend, work, progress)
        stages = _stages(zip_path, root, contract, challenge, context)
        progress("check: lint")
        linted = lint_item(root) if root else skipped("lint", "not run: the zip was refused")
        items = (contract_result, packing, *stages, linted)
        written, note = _write_out(zip_path, options.zip_out, items)
    return SelfCheck(
        folder=str(folder),
        challenge=challenge.id if challenge else None,
        backend=choice.backend,
        backend_note=choice.note,
        items=items,
        left_out=plan.left_out,
        zip_written=written,
        zip_note=note,
    )


def _require_folder(folder: Path) -> Path:
    if not folder.exists():
        raise HarnessError(
            f"{folder}: no such folder", hint="give the folder that holds your assessment.toml"
        )
    if not folder.is_dir():
        raise HarnessError(
            f"{folder}: not a folder", hint="grade check takes your submission folder, not a zip"
        )
    return folder


@dataclass(frozen=True)
class _Context:
    """Where and how the stages run."""

    catalog: Catalog
    backend: Backend
    work: Path
    progress: Progress


def _stages(
    zip_path: Path,
    root: Path | None,
    contract: Contract | None,
    challenge: Challenge | None,
    context: _Context,
) -> list[Item]:
    if contract is None or challenge is None:
        return [skipped(name, "not run: fix assessment.toml first") for name in STAGE_ITEMS]
    if root is None:
        return [skipped(name, "not run: fix the packing first") for name in STAGE_ITEMS]
    has_requirements = (root / "requirements.txt").is_file()
    return _run_stages(zip_path, contract, challenge, context, has_requirements)


def _run_stages(
    zip_path: Path,
    contract: Contract,
    challenge: Challenge,
    context: _Context,
    has_requirements: bool,
) -> list[Item]:
    """The sandbox stages on the public data and sample only, then the predictions' format."""
    data = challenge.train_data.resolve()
    features = data / SAMPLE_FEATURES
    kept = context.work / "predictions.csv"
    options = RunOptions(
        context.catalog, data=data, features=features, backend=context.backend,
        keep_predictions=kept, model_api="standin",
    )  # fmt: skip
    report = sandbox_submission(zip_path, options, context.progress)
    items = stage_items(report, contract, has_requirements)
    if report.stages["predict"].verdict in ("ok", "invalid_output"):
        checked = check_predictions(kept if kept.is_file() else None, features, challenge)
    else:
        checked = skipped("predictions", "not checked: predict did not write any")
    return [*items[:3], checked, *items[3:]]


def _write_out(zip_path: Path, out: Path | None, items: tuple[Item, ...]) -> tuple[str | None, str]:
    if out is None:
        return None, ""
    if any(item.status == "fail" for item in items):
        return None, f"{out} not written: fix the failures above first, then run this again"
    with replacing(out) as partial:
        shutil.copyfile(zip_path, partial)
    return str(out), f"wrote {out}: send this file"
