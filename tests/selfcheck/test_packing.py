"""The zip `grade check --zip` writes: what it keeps, what it leaves out and why, and what
intake would refuse in a zip of the folder as it is. One folder a case under layouts/: its
`case.toml` describes the files to create (text, sparse sizes, links, zips, many files) and
what to expect. Adding a case is adding a folder."""

from __future__ import annotations

import hashlib
import os
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from harness.challenges.bundle import bundle_files
from harness.challenges.model import Challenge, load_challenge
from harness.errors import IntakeError
from harness.intake import IntakeLimits, unpack
from harness.selfcheck.packing import as_is_problems, describe, plan_pack, write_zip
from tests.selfcheck.conftest import CHALLENGES, make_sparse

LAYOUTS = Path(__file__).parent / "layouts"
NAMES = sorted(p.name for p in LAYOUTS.iterdir() if (p / "case.toml").is_file())


@pytest.fixture(scope="module")
def churn() -> Challenge:
    return load_challenge(CHALLENGES / "customer-churn")


def build(spec: dict[str, Any], folder: Path, challenge: Challenge) -> Path:
    """The folder a case describes, created in tmp (big files sparse, in no time)."""
    public = bundle_files(challenge)
    writers = {
        "files": lambda path, text: path.write_text(text),
        "copies": lambda path, name: path.write_bytes(public[name]),
        "sparse": make_sparse,
        "links": lambda path, target: path.symlink_to(target),
        "zips": _write_zip_of,
    }
    for section, write in writers.items():
        for name, value in spec.get(section, {}).items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path, value)
    for pattern, count in spec.get("many", {}).items():
        (folder / pattern).parent.mkdir(parents=True, exist_ok=True)
        for number in range(count):
            (folder / pattern.format(number)).write_text("x")
    return folder


def _write_zip_of(path: Path, names: list[str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "x")


def test_there_are_cases() -> None:
    assert len(NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_layout(name: str, tmp_path: Path, churn: Challenge) -> None:
    spec = tomllib.loads((LAYOUTS / name / "case.toml").read_text())
    folder = build(spec, tmp_path / "folder", churn)
    plan = plan_pack(folder, churn)
    expect = spec["expect"]
    if "kept" in expect:
        assert sorted(plan.files) == expect["kept"]
    else:
        assert len(plan.files) == expect["kept_count"]
    left_out = {group.kind: sorted(group.paths) for group in plan.left_out}
    assert left_out == {kind: sorted(paths) for kind, paths in expect["left_out"].items()}
    assert as_is_problems(plan, IntakeLimits()) == expect["refused"]
    _assert_the_zip_is_what_intake_takes(plan.files, folder, tmp_path, expect.get("zip_refused"))


def _assert_the_zip_is_what_intake_takes(
    files: tuple[str, ...], folder: Path, tmp_path: Path, refused: str | None
) -> None:
    zipped = write_zip(folder, files, tmp_path / "out.zip")
    if refused:
        with pytest.raises(IntakeError, match=refused):
            unpack(zipped, tmp_path / "unpacked")
        return
    unpacked = unpack(zipped, tmp_path / "unpacked")
    assert unpacked.files == tuple(sorted(files))
    for name in files:
        assert (unpacked.root / name).read_bytes() == (folder / name).read_bytes()


def test_the_zip_bytes_depend_only_on_the_files(tmp_path: Path, churn: Challenge) -> None:
    spec = tomllib.loads((LAYOUTS / "clean-folder" / "case.toml").read_text())
    folder = build(spec, tmp_path / "folder", churn)
    first = write_zip(folder, plan_pack(folder, churn).files, tmp_path / "one.zip")
    os.utime(folder / "README.md", (0, 0))
    second = write_zip(folder, plan_pack(folder, churn).files, tmp_path / "two.zip")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
    assert not list(tmp_path.glob("*.partial"))


def test_the_zip_being_written_inside_the_folder_is_left_out(
    tmp_path: Path, churn: Challenge
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "train.py").write_text("print('train')\n")
    out = write_zip(folder, ["train.py"], folder / "submission.zip")
    plan = plan_pack(folder, churn, skip=out)
    assert plan.files == ("train.py",)
    assert [group.kind for group in plan.left_out] == ["zips"]


def test_describe_names_the_reason_the_paths_and_the_size(tmp_path: Path, churn: Challenge) -> None:
    spec = tomllib.loads((LAYOUTS / "large-data" / "case.toml").read_text())
    plan = plan_pack(build(spec, tmp_path / "folder", churn), churn)
    (group,) = plan.left_out
    assert describe(group) == (
        "data files over 10 MiB: data/embeddings.parquet, data/extra.csv (220.0 MiB)"
    )
