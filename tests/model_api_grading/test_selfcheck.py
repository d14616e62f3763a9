"""A candidate's self-check of a client of the model API, from the unzipped bundle only: its
stages reach the stand-in shipped in the bundle (no fault, no canary), never the graded API."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from harness.challenges.bundle import pack
from harness.challenges.catalog import load_catalog
from harness.model_api import config as api
from harness.selfcheck.run import CheckOptions, self_check
from tests.model_api_grading import submissions
from tests.model_api_grading.challenge import CHALLENGE_ID, write_challenge


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """The test challenge's bundle, packed and unzipped as a candidate has it."""
    write_challenge(tmp_path / "private-challenges")
    challenge = load_catalog([tmp_path / "private-challenges"]).get(CHALLENGE_ID)
    pack(challenge, tmp_path / "bundle.zip")
    with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
        archive.extractall(tmp_path / "bundles")
    return tmp_path / "bundles"


def test_the_bundle_ships_a_stand_in_whose_config_has_no_fault_and_no_canary(
    bundle: Path,
) -> None:
    folder = next(p.parent for p in bundle.rglob(api.STANDIN_NAME))
    config = api.standin_config(folder)
    assert config is not None and config["faults"] == [] and not config.get("canaries")
    assert config["key"] == api.STANDIN_KEY


def test_the_self_check_runs_a_client_of_the_model_api_against_the_stand_in(
    bundle: Path, tmp_path: Path
) -> None:
    zip_path = submissions.write_zip(
        tmp_path / "mine.zip", "careful", CHALLENGE_ID,
        submissions.assessment(CHALLENGE_ID, submissions.WITH_PLACEHOLDERS),
    )  # fmt: skip
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "mine")
    options = CheckOptions(challenge_dirs=(bundle,), backend="local")
    checked = self_check(tmp_path / "mine", options, lambda _: None)
    statuses = {item.name: item.status for item in checked.items}
    assert statuses["predict"] == "pass", checked.items
    assert "fail" not in statuses.values(), checked.items
