"""Submissions that would not run at grading, each with a clear, specific failure, checked
for real in Docker from the packed bundles. One folder a case under cases/: its `case.toml`
names the reference to copy, the files to write over it (`[files]`, `[sparse]` sizes for big
files made in no time), extra arguments, and the items to expect. Adding a case is adding a
folder. Nothing private is opened or printed in any of them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.intake import intake
from tests.selfcheck.conftest import (
    OpenRecorder,
    assert_nothing_private,
    assert_opened_nothing_private,
    copy_reference,
    make_sparse,
)

pytestmark = pytest.mark.docker
CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.toml").is_file())


def build(spec: dict[str, Any], folder: Path) -> Path:
    """A copy of the case's reference, edited as the case says."""
    copy_reference(spec["reference"], folder)
    for name, text in spec.get("files", {}).items():
        (folder / name).write_text(text)
    for name, size in spec.get("sparse", {}).items():
        make_sparse(folder / name, size)
    return folder


def test_there_are_cases() -> None:
    assert len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_case(
    name: str,
    tmp_path: Path,
    bundles: Path,
    only_public: OpenRecorder,
    sandbox_image: str,
    none_of_ours_left: None,
) -> None:
    spec = tomllib.loads((CASES / name / "case.toml").read_text())
    folder = build(spec, tmp_path / "submission")
    extra = [arg.format(tmp=tmp_path) for arg in spec.get("args", [])]
    args = ["check", str(folder), "--challenges", str(bundles), "--json", *extra]
    with only_public.watching():
        result = CliRunner().invoke(cli, args)
    expect = spec["expect"]
    assert result.exit_code == expect["exit_code"], result.output
    report = json.loads(result.stdout)
    assert report["backend"] == "docker"
    _assert_items(report, expect["items"])
    left_out = {group["kind"]: group["paths"] for group in report["left_out"]}
    for kind, paths in expect.get("left_out", {}).items():
        assert left_out.get(kind) == paths, report["left_out"]
    if "zip" in expect:
        zip_path = Path(expect["zip"].format(tmp=tmp_path))
        assert report["zip_written"] == str(zip_path)
        assert intake(zip_path, tmp_path / "graded").contract.challenge == "customer-churn"
    assert_opened_nothing_private(only_public.paths)
    challenge_id = spec["reference"].split("/")[0]
    assert_nothing_private(result.stdout + result.stderr, challenge_id, bundles, folder)


def _assert_items(report: dict[str, Any], expected: list[dict[str, Any]]) -> None:
    items = {item["name"]: item for item in report["items"]}
    for wanted in expected:
        item = items[wanted["name"]]
        assert item["status"] == wanted["status"], item
        for text in wanted.get("says", []):
            assert text in item["message"], item
