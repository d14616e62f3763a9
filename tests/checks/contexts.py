"""Check contexts for tests: a real submission folder read the way the pipeline reads it,
with the run's results given by the test (no sandbox needed for what a check reads)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.challenges.catalog import load_catalog
from harness.challenges.model import load_trap
from harness.checks.context import CheckContext
from harness.contract import load_contract
from harness.holdout import load_holdout
from harness.inventory import take_inventory
from harness.lint import lint
from harness.models import StageName, StageResult

OK_STAGES: Mapping[StageName, StageResult] = {
    name: StageResult(verdict="ok", exit_code=0, duration_s=1.0)
    for name in ("install", "train", "predict", "test", "serve")
}


def make_context(root: Path, *, with_lint: bool = False, **overrides: Any) -> CheckContext:
    """The context of the submission in `root`: its inventory and contract, its challenge
    and trap, every stage `ok` unless `stages=` says otherwise, no predictions unless
    `predictions_file=` gives them."""
    contract = load_contract(root)
    challenge = load_catalog().get(contract.challenge)
    inventory = take_inventory(root)
    values: dict[str, Any] = {
        "root": root,
        "inventory": inventory,
        "contract": contract,
        "challenge": challenge,
        "trap": load_trap(challenge),
        "holdout": load_holdout(challenge),
        "stages": OK_STAGES,
        "predictions_file": None,
    }
    if with_lint:
        values["lint"] = lint(root, inventory.python_lines)
    values.update(overrides)
    return CheckContext(**values)
