"""The local backend (no Docker): the same stage logic and verdicts, with rlimits and the
harness's own deadline. It runs on any machine, so these tests never skip."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.contract import load_contract
from harness.packing import zip_folder
from harness.sandbox.limits import apply_overrides, parse_overrides
from harness.sandbox.local import LocalRunner, _children, run_process
from harness.sandbox.stages import DEFAULT_LIMITS, StageInputs

ROOT = Path(__file__).parents[1]
ADVERSARIAL = ROOT / "tests" / "adversarial"
CHURN = ROOT / "challenges" / "customer-churn"
EXAMPLE = CHURN / "reference" / "careful"


@pytest.fixture(scope="module")
def churn() -> tuple[Path, Path]:
    """The challenge's public training data and its public sample of prediction inputs."""
    data = CHURN / "public" / "data"
    return data, data / "sample_features.csv"


def runner(submission: Path, churn: tuple[Path, Path], work: Path, *limits: str) -> LocalRunner:
    data, features = churn
    inputs = StageInputs(
        submission=submission,
        data=data,
        features=features,
        contract=load_contract(submission),
        image="",
        id_column="customer_id",
    )
    return LocalRunner(inputs, work, apply_overrides(DEFAULT_LIMITS, parse_overrides(limits)))


def test_the_example_trains_and_predicts(tmp_path: Path, churn: tuple[Path, Path]) -> None:
    local = runner(EXAMPLE, churn, tmp_path)
    trained = local.train()
    assert trained.result.verdict == "ok", trained.result.log_tail
    predicted = local.predict()
    assert predicted.result.verdict == "ok", predicted.result.reason
    assert predicted.outputs is not None
    lines = (predicted.outputs / "predictions.csv").read_text().splitlines()
    assert lines[0].startswith("customer_id,prediction") and len(lines) == 26


@pytest.mark.parametrize(
    ("case", "limits", "verdict", "log"),
    [
        ("infinite-loop-train", ["train.timeout=2"], "timeout", ""),
        ("gigabyte-of-output", [], "output_limit", "bytes dropped"),
        ("huge-single-file", [], "failed", "File too large"),
        ("memory-bomb", ["train.memory=256"], "failed", "MemoryError"),
        ("daemon-outlives-main", [], "ok", "main process done"),
    ],
)
def test_hostile_cases_end_in_the_right_verdict(
    tmp_path: Path, churn: tuple[Path, Path], case: str, limits: list[str], verdict: str, log: str
) -> None:
    local = runner(ADVERSARIAL / case / "submission", churn, tmp_path, *limits)
    result = local.run("train", local.inputs.contract.commands.train).result
    assert result.verdict == verdict, (result.reason, result.log_tail[-500:])
    assert log in result.log_head + result.log_tail
    assert _processes_mentioning(str(tmp_path)) == [], "a process of the stage outlived it"


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


def test_the_command_says_which_backend_ran(tmp_path: Path, churn: tuple[Path, Path]) -> None:
    zip_path = zip_folder(EXAMPLE, tmp_path / "example.zip")
    data, features = churn
    args = ["sandbox", "run", str(zip_path), "--data", str(data), "--features", str(features)]
    result = CliRunner().invoke(cli, [*args, "--backend", "local", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["backend"] == "local" and report["image"] is None
    assert report["stages"]["train"]["verdict"] == "ok"
    assert report["stages"]["serve"]["verdict"] == "not_run"
    assert "the local backend does not cut the network" in result.stderr


def test_the_harness_own_children_outlive_a_stage(tmp_path: Path) -> None:
    """A stage's strays are reaped, the processes the harness itself started are not (a
    browser, a worker pool)."""
    mine = subprocess.Popen(["sleep", "60"])
    before = set(_children(os.getpid()))  # mine, and whatever else the session runs
    try:
        outcome = run_process("sleep 30 & echo started", tmp_path, {"PATH": "/usr/bin:/bin"},
                              DEFAULT_LIMITS["train"])  # fmt: skip
        assert outcome.exit_code == 0 and "started" in outcome.log.head()
        assert mine.poll() is None, "the harness's own child was killed with the stage"
        assert set(_children(os.getpid())) <= before, "a stray of the stage survived"
    finally:
        mine.kill()
        mine.wait()
