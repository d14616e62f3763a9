"""Each challenge's references pass the self-check from the packed bundle alone, in Docker
with the grading image, run with the very command the bundle's SELF-CHECK.md gives; the zip
it writes passes intake; nothing private is opened or printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.intake import intake
from tests.selfcheck.conftest import (
    CHALLENGE_IDS,
    OpenRecorder,
    assert_nothing_private,
    assert_opened_nothing_private,
    copy_reference,
)
from tests.selfcheck.test_check_cli import documented_checks

pytestmark = pytest.mark.docker
REFERENCES = [f"{c}/{kind}" for c in CHALLENGE_IDS for kind in ("careful", "naive")]


def filled(args: list[str], submission: Path, bundles: Path, zip_out: Path) -> list[str]:
    """The documented command with this machine's paths in it."""
    names = {"my-submission": submission, "bundles": bundles, "submission.zip": zip_out}
    return [str(names.get(arg, arg)) for arg in args]


@pytest.mark.parametrize("reference", REFERENCES)
def test_each_reference_passes_from_its_bundle_alone(
    reference: str,
    tmp_path: Path,
    bundles: Path,
    only_public: OpenRecorder,
    sandbox_image: str,
    none_of_ours_left: None,
) -> None:
    challenge_id = reference.split("/")[0]
    submission = copy_reference(reference, tmp_path / "submission")
    with_zip = next(a for a in documented_checks(bundles / challenge_id) if "--zip" in a)
    args = filled(with_zip, submission, bundles, tmp_path / "submission.zip")
    with only_public.watching():
        result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    statuses = {item["name"]: item["status"] for item in report["items"]}
    assert set(statuses.values()) <= {"pass", "warn"}, report["items"]
    for name in ("assessment.toml", "packing", "train", "predict", "predictions"):
        assert statuses[name] == "pass", report["items"]
    assert report["backend"] == "docker" and sandbox_image in report["backend_note"]
    assert report["zip_written"] == str(tmp_path / "submission.zip")
    sent = intake(tmp_path / "submission.zip", tmp_path / "graded")
    assert sent.contract.challenge == challenge_id
    assert_opened_nothing_private(only_public.paths)
    assert_nothing_private(result.stdout + result.stderr, challenge_id, bundles, submission)


def test_the_plain_command_prints_every_item_and_says_ready(
    tmp_path: Path,
    bundles: Path,
    only_public: OpenRecorder,
    sandbox_image: str,
    none_of_ours_left: None,
) -> None:
    submission = copy_reference("customer-churn/careful", tmp_path / "submission")
    plain = next(a for a in documented_checks(bundles / "customer-churn") if "--zip" not in a)
    with only_public.watching():
        result = CliRunner().invoke(cli, filled(plain, submission, bundles, tmp_path / "x.zip"))
    assert result.exit_code == 0, result.output
    for line in ("✓ assessment.toml", "✓ serve", "31 passed, 0 failed", "ruff findings",
                 "ready: it would run at grading"):  # fmt: skip
        assert line in " ".join(result.stdout.split()), result.stdout
    assert not (tmp_path / "x.zip").exists()
    assert_opened_nothing_private(only_public.paths)
    assert_nothing_private(result.stdout + result.stderr, "customer-churn", bundles, submission)
