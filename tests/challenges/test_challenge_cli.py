"""The `grade challenge` commands that need no sandbox: list, pack, new, and their errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from harness.cli import cli
from tests.challenges.test_catalog import BUNDLED_IDS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_challenge_as_a_table_and_as_json() -> None:
    code, out, _ = run("challenge", "list")
    assert code == 0 and all(challenge_id in out for challenge_id in BUNDLED_IDS)
    code, out, _ = run("challenge", "list", "--json")
    rows = json.loads(out)
    assert {row["id"] for row in rows} == set(BUNDLED_IDS)
    assert all(row["id_column"] and row["metrics"] for row in rows)


def test_pack_writes_the_bundle_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "churn.zip"
    code, stdout, _ = run("challenge", "pack", "customer-churn", "--out", str(out))
    assert code == 0 and "nothing private in it" in stdout
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        contract = archive.read("customer-churn/assessment.toml").decode()
    assert "customer-churn/data/train.csv" in names
    assert not any("private" in name or "reference" in name for name in names)
    assert 'challenge = "customer-churn"' in contract


def test_new_scaffolds_a_challenge_that_list_then_finds(tmp_path: Path) -> None:
    code, stdout, _ = run("challenge", "new", "loan-default", "--in", str(tmp_path))
    assert code == 0 and "created" in stdout
    code, stdout, _ = run("challenge", "list", "--challenges", str(tmp_path), "--json")
    assert "loan-default" in {row["id"] for row in json.loads(stdout)}


def test_an_unknown_challenge_is_exit_2_and_one_line(tmp_path: Path) -> None:
    for args in (("challenge", "pack", "nope", "--out", str(tmp_path / "x.zip")),
                 ("challenge", "validate", "nope")):  # fmt: skip
        code, _, stderr = run(*args)
        assert code == 2
        assert stderr.count("\n") == 1 and "no challenge 'nope'" in stderr
    assert not (tmp_path / "x.zip").exists()
