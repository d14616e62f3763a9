"""`grade challenge validate` in the real sandbox: each bundled challenge passes, with its
margins printed; a broken copy fails and says why."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.challenges.catalog import BUNDLED
from tests.challenges.test_catalog import TABULAR_IDS

pytestmark = pytest.mark.docker
GRADE = Path(sys.executable).with_name("grade")


def validate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRADE, "challenge", "validate", *map(str, args)],
        capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin",
                                                          "COLUMNS": "120"},
    )  # fmt: skip


@pytest.mark.parametrize("challenge_id", TABULAR_IDS)
def test_each_bundled_challenge_validates(
    challenge_id: str, sandbox_image: str, no_leftovers: None
) -> None:
    done = validate(challenge_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{challenge_id}: valid" in done.stdout
    assert "problem:" not in done.stdout
    assert "does not separate" not in done.stdout
    assert done.stdout.count("separates") >= 2
    assert "naive margin" in done.stdout and "careful margin" in done.stdout
    assert done.stdout.count(" naive ") >= 5 and done.stdout.count(" careful ") >= 5  # 5 seeds
    assert "calibration cases" in done.stdout and "outside expectation" not in done.stdout
    assert done.stdout.count("as expected") >= 4  # every case graded, each one as expected


def test_the_model_api_challenge_validates_over_seeds(
    sandbox_image: str, no_leftovers: None
) -> None:
    """support-tickets: its trap shows only in what the model API received, so each seed's
    references run against a graded model API of that seed's own canaries and faults."""
    done = validate("support-tickets", "--seeds", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "support-tickets: valid" in done.stdout
    assert "problem:" not in done.stdout
    assert "does not separate" not in done.stdout
    rows = [line.split() for line in done.stdout.splitlines()]
    api_log = [row for row in rows if len(row) >= 4 and row[1] in ("naive", "careful")]
    assert len(api_log) == 6  # three seeds, both references, each measured
    leaked: dict[str, list[float]] = {row[1]: [] for row in api_log}
    for row in api_log:
        leaked[row[1]].append(float(row[3]))  # "?" (not measured) fails here
    assert min(leaked["naive"]) > 0.5 and max(leaked["careful"]) == 0.0, leaked
    assert "signal:" not in done.stdout  # read from the log and the code: no signal needed
    assert "calibration cases" in done.stdout and "outside expectation" not in done.stdout
    assert done.stdout.count("as expected") >= 6


def test_a_broken_copy_fails_and_says_why(
    tmp_path: Path, sandbox_image: str, no_leftovers: None
) -> None:
    copy = tmp_path / "customer-churn"
    shutil.copytree(BUNDLED / "customer-churn", copy,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(BUNDLED.parent / "rubrics" / "customer-churn.toml", copy / "rubric.toml")
    shutil.rmtree(copy / "reference" / "careful")
    shutil.copytree(copy / "reference" / "naive", copy / "reference" / "careful")
    brief = copy / "public" / "brief.md"
    brief.write_text(brief.read_text() + "\nedited by hand\n")
    done = validate("customer-churn", "--seeds", "2", "--challenges", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "problem: public/brief.md: differs from what generate.py writes" in done.stdout
    assert "does not separate" in done.stdout
    assert "customer-churn: NOT valid" in done.stdout
