"""Calibration cases live in `private/cases/`: never in a bundle, never generated data."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from harness.challenges.bundle import bundle_files, find_leaks, pack
from harness.challenges.cases import CASES_DIR, find_cases
from harness.challenges.catalog import BUNDLED
from harness.challenges.generation import compare, generate
from harness.challenges.model import Challenge, load_challenge

CASE_README = (
    "# A churn model\n\nI dropped the column the retention team fills in after notice, and "
    "validated with five folds.\n"
)
EXPECTED = 'description = "a known submission"\n[expect]\ntrap = ["handled"]\n'


def _challenge_with_a_case(parent: Path) -> Challenge:
    """A copy of customer-churn (without references) holding one calibration case, whose
    files include a one-line `__init__.py` and a one-package `requirements.txt`."""
    target = parent / "customer-churn"
    ignore = shutil.ignore_patterns("reference", "__pycache__", "cases")
    shutil.copytree(BUNDLED / "customer-churn", target, ignore=ignore)
    case = target / CASES_DIR / "short-files"
    (case / "model").mkdir(parents=True)
    (case / "model" / "__init__.py").write_text("\n", encoding="utf-8")
    (case / "requirements.txt").write_text("pandas\n", encoding="utf-8")
    (case / "README.md").write_text(CASE_README, encoding="utf-8")
    (case / "expected.toml").write_text(EXPECTED, encoding="utf-8")
    return load_challenge(target)


def test_a_packed_bundle_holds_no_case_file(tmp_path: Path) -> None:
    challenge = _challenge_with_a_case(tmp_path)
    assert [case.name for case in find_cases(challenge)] == ["short-files"]
    out = tmp_path / "bundle.zip"
    names = pack(challenge, out)
    with zipfile.ZipFile(out) as archive:
        listed = archive.namelist()
        contents = [archive.read(name) for name in listed]
    assert not any("cases" in name or "expected.toml" in name for name in [*names, *listed])
    assert not any(CASE_README.encode() in content for content in contents)
    assert not any(EXPECTED.encode() in content for content in contents)


def test_a_case_file_copied_into_a_public_file_is_a_leak(tmp_path: Path) -> None:
    challenge = _challenge_with_a_case(tmp_path)
    files = bundle_files(challenge)
    assert find_leaks(challenge, files) == []
    files["brief.md"] += b"\n" + CASE_README.encode()
    leaks = find_leaks(challenge, files)
    assert [leak.what for leak in leaks] == ["the bytes of private/cases/short-files/README.md"]


def test_regeneration_compares_clean_with_cases_present(tmp_path: Path) -> None:
    challenge = _challenge_with_a_case(tmp_path / "challenge")
    drift = compare(challenge, generate(challenge, tmp_path / "fresh"))
    assert drift.none, drift


@pytest.mark.parametrize("challenge_id", ["customer-churn", "equipment-resale", "pump-failure"])
def test_the_bundled_cases_leak_nothing_into_the_bundle(challenge_id: str) -> None:
    challenge = load_challenge(BUNDLED / challenge_id)
    assert find_leaks(challenge, bundle_files(challenge)) == []
