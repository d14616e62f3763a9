"""Run limits: every value is checked against a stated range wherever it is given (`--limit`
of `grade` and `grade sandbox run`, a challenge's `[limits]`), before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.challenges.model import load_challenge
from harness.cli import cli
from harness.errors import HarnessError
from harness.sandbox.limits import machine_cpus, parse_overrides
from tests.challenges.test_catalog import copy_challenge
from tests.zipkit import MINIMAL, write_zip


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("train.timeout=nan", "timeout is seconds from 1 to 86400"),
        ("train.timeout=inf", "timeout is seconds from 1 to 86400"),
        ("train.timeout=-inf", "timeout is seconds from 1 to 86400"),
        ("train.timeout=1e400", "timeout is seconds from 1 to 86400"),
        ("train.timeout=0.5", "timeout is seconds from 1 to 86400"),
        ("train.timeout=86401", "timeout is seconds from 1 to 86400"),
        ("train.memory=1", "memory is a whole number of MiB from 128 to 1048576"),
        ("train.memory=0", "memory is a whole number of MiB from 128 to 1048576"),
        ("train.memory=99999999999", "memory is a whole number of MiB from 128 to 1048576"),
        ("train.memory=512.5", "memory is a whole number of MiB from 128 to 1048576"),
        ("train.cpus=1000", "cpus is CPUs from 0.01 to"),
        ("train.cpus=0.001", "cpus is CPUs from 0.01 to"),
        ("train.cpus=nan", "cpus is CPUs from 0.01 to"),
        ("train.pids=99999999999", "pids is a whole number of processes from 16 to 4194304"),
        ("train.pids=1", "pids is a whole number of processes from 16 to 4194304"),
        ("train.pids=-5", "pids is a whole number of processes from 16 to 4194304"),
        ("train.pids=20.5", "pids is a whole number of processes from 16 to 4194304"),
    ],
)
def test_a_limit_out_of_its_range_says_the_range(text: str, allowed: str) -> None:
    with pytest.raises(HarnessError) as caught:
        parse_overrides([text])
    line = caught.value.one_line()
    assert line.startswith(f"--limit {text!r}: ")
    assert allowed in line
    assert "\n" not in line


def test_the_cpu_range_is_this_machines_cores() -> None:
    with pytest.raises(HarnessError, match=f"from 0.01 to {machine_cpus()} "):
        parse_overrides([f"train.cpus={machine_cpus() + 1}"])


@pytest.mark.parametrize(
    "text",
    ["train.timeout=1", "train.timeout=86400", "train.timeout=2.5", "predict.memory=128",
     "test.memory=1048576", "train.memory=1e3", "serve.cpus=0.01", "train.pids=16",
     "train.pids=4194304", "train.pids=4.1943e+06"],
)  # fmt: skip
def test_a_limit_at_the_edges_of_its_range_is_accepted(text: str) -> None:
    assert parse_overrides([text])


def test_all_the_machines_cores_are_accepted() -> None:
    assert parse_overrides([f"train.cpus={machine_cpus()}"])["train"]["cpus"] == machine_cpus()


@pytest.mark.parametrize(
    "command",
    [
        ["SUB", "--limit", "train.timeout=nan"],
        ["SUB", "--limit", "train.memory=1"],
        ["sandbox", "run", "SUB", "--backend", "local", "--limit", "train.cpus=1000"],
        ["sandbox", "run", "SUB", "--limit", "train.pids=99999999999"],
    ],
)
def test_a_bad_limit_on_the_command_line_is_exit_2_before_anything_runs(
    command: list[str], tmp_path: Path
) -> None:
    submission = write_zip(tmp_path / "submission.zip", MINIMAL)
    args = [str(submission) if arg == "SUB" else arg for arg in command]
    args += ["--out", str(tmp_path / "out")] if args[0] != "sandbox" else []
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("grade: error: --limit "), lines
    assert " from " in lines[0] and " to " in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_challenge_limit_out_of_its_range_is_refused(tmp_path: Path) -> None:
    challenge = copy_challenge("customer-churn", tmp_path)
    toml = challenge.folder / "challenge.toml"
    toml.write_text(toml.read_text().replace("memory = 2048 }", "memory = 1 }", 1))
    with pytest.raises(
        HarnessError, match=r"challenge.toml: limits: .*memory is a whole number of MiB from 128"
    ):
        load_challenge(challenge.folder)
