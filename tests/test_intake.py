"""Safe intake: every refusal with a real zip built in the test, and nothing left behind."""

from __future__ import annotations

import hashlib
import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from harness.errors import ContractError, IntakeError
from harness.intake import IntakeLimits, MiB, intake, unpack
from tests.zipkit import (
    MINIMAL,
    add_special,
    add_symlink,
    header_offset,
    patch_central,
    tree,
    write_zip,
)


def refuse(zip_path: Path, match: str, limits: IntakeLimits | None = None) -> IntakeError:
    """Unpack must refuse with a one-line message matching `match`, writing nothing."""
    before = tree(zip_path.parent)
    with pytest.raises(IntakeError, match=match) as caught:
        unpack(zip_path, zip_path.parent / "out", limits)
    assert "\n" not in caught.value.one_line()
    assert tree(zip_path.parent) == before, "a refused zip left files behind"
    return caught.value


def test_unpacks_a_valid_submission(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    submission = intake(zip_path, tmp_path / "out")
    assert submission.info.id == hashlib.sha256(zip_path.read_bytes()).hexdigest()
    assert submission.info.files == 4
    assert submission.unpacked.files == ("README.md", "assessment.toml", "predict.py", "train.py")
    assert (tmp_path / "out" / "train.py").read_text() == "import pandas\n"
    assert submission.contract.challenge == "customer-churn"
    assert tree(tmp_path) == {"s.zip", "out", *(f"out/{n}" for n in MINIMAL)}


def test_collapses_one_top_folder_and_drops_junk(tmp_path: Path) -> None:
    entries = {f"project/{name}": content for name, content in MINIMAL.items()}
    entries |= {
        "__MACOSX/project/._train.py": b"\x00\x05",
        "project/.DS_Store": b"\x00",
        "project/pkg/__pycache__/mod.cpython-311.pyc": b"\x00",
    }
    unpacked = unpack(write_zip(tmp_path / "s.zip", entries), tmp_path / "out")
    assert unpacked.collapsed == "project"
    assert set(unpacked.files) == set(MINIMAL)
    assert len(unpacked.dropped) == 3
    assert not (tmp_path / "out" / "__MACOSX").exists()


def test_keeps_two_top_folders_as_they_are(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {"a/x.py": "", "b/y.py": ""})
    unpacked = unpack(zip_path, tmp_path / "out")
    assert unpacked.collapsed is None
    assert unpacked.files == ("a/x.py", "b/y.py")


def test_refuses_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    path.write_text("print('hello')\n")
    refuse(path, r"s\.zip: not a zip file")


def test_refuses_a_missing_file(tmp_path: Path) -> None:
    refuse(tmp_path / "nowhere.zip", "no such file")


def test_refuses_an_empty_zip(tmp_path: Path) -> None:
    refuse(write_zip(tmp_path / "s.zip", {}), "the zip is empty")


def test_refuses_a_zip_of_folders_only(tmp_path: Path) -> None:
    zip_path = tmp_path / "s.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.mkdir("project")
        archive.writestr("__MACOSX/._x", b"")
    refuse(zip_path, "holds no files")


def test_refuses_encrypted_entries(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    patch_central(zip_path, "train.py", flags=0x1)
    refuse(zip_path, r"entry 'train.py': encrypted")


@pytest.mark.parametrize(
    "name",
    ["../evil.py", "src/../../evil.py", "/tmp/evil.py", "C:\\evil.py", "src\\..\\..\\evil.py"],
)
def test_refuses_names_that_escape_the_target(tmp_path: Path, name: str) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr(name, "import os\n")
    error = refuse(zip_path, "absolute paths|'\\.\\.'")
    assert name in str(error) or repr(name) in str(error)
    assert not (tmp_path.parent / "evil.py").exists()


@pytest.mark.parametrize(
    ("kind", "word"),
    [
        (stat.S_IFLNK, "symbolic link"),
        (stat.S_IFCHR, "character device"),
        (stat.S_IFBLK, "block device"),
        (stat.S_IFIFO, "named pipe"),
    ],
)
def test_refuses_links_and_devices(tmp_path: Path, kind: int, word: str) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    add_special(zip_path, "data/link", kind)
    refuse(zip_path, f"entry 'data/link': is an? {word}")


def test_a_symlink_entry_is_never_written_as_a_file(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    add_symlink(zip_path, "secrets", "/etc/shadow")
    refuse(zip_path, "symbolic link")
    assert not (tmp_path / "out").exists()


def test_refuses_duplicate_names(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", MINIMAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns: that is the point
        with zipfile.ZipFile(zip_path, "a") as archive:
            archive.writestr("train.py", "import os; os.system('rm -rf /')\n")
    refuse(zip_path, r"entry 'train.py': duplicate of 'train.py'")


def test_refuses_names_that_are_the_same_path(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "src/a.py": "", "src//./a.py": ""})
    refuse(zip_path, "duplicate of 'src/a.py'")


def test_refuses_a_file_that_is_also_a_folder(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "src": "x", "src/a.py": ""})
    refuse(zip_path, "also used as a folder")


def test_refuses_a_declared_size_smaller_than_the_data(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "big.py": "x = 1\n" * 1000})
    patch_central(zip_path, "big.py", file_size=10)
    refuse(zip_path, r"entry 'big.py': cannot be read \(Bad CRC-32")


def test_refuses_a_declared_size_larger_than_the_data(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "big.py": "x = 1\n" * 1000})
    patch_central(zip_path, "big.py", file_size=60_000)
    refuse(zip_path, r"entry 'big.py': declares 60000 bytes but holds 6000")


def test_refuses_a_real_zip_bomb_by_its_ratio(tmp_path: Path) -> None:
    bomb = write_zip(tmp_path / "s.zip", {**MINIMAL, "weights.bin": bytes(20 * MiB)})
    assert bomb.stat().st_size < 100_000  # a real bomb: 20 MiB from a few KiB
    refuse(bomb, r"entry 'weights.bin': expands \d+ times, over the compression-ratio limit")


def test_refuses_a_zip_whose_total_expands_too_much(tmp_path: Path) -> None:
    entries = {**MINIMAL, **{f"part{n}.bin": bytes(2 * MiB) for n in range(3)}}
    limits = IntakeLimits(max_entry_ratio=10_000)
    refuse(write_zip(tmp_path / "s.zip", entries), r"the zip expands \d+ times", limits)


def test_refuses_a_zip_claiming_one_gigabyte_before_extracting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "model.bin": b"x" * 1000})
    patch_central(zip_path, "model.bin", file_size=1024 * MiB)
    assert zip_path.stat().st_size < 10_000

    def no_extraction(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("sizes must be checked before anything is extracted")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_extraction)
    refuse(zip_path, r"entry 'model.bin': 1024\.0 MiB uncompressed, over the 100\.0 MiB limit")


def test_refuses_entries_that_share_their_data(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "a.py": "x = 1\n", "b.py": "x = 1\n"})
    patch_central(zip_path, "b.py", header_offset=header_offset(zip_path, "a.py"))
    refuse(zip_path, "overlaps entry")


@pytest.mark.parametrize(
    ("limits", "entries", "match"),
    [
        (IntakeLimits(max_files=3), MINIMAL, "holds 4 files, over the limit of 3"),
        (IntakeLimits(max_entries=3), MINIMAL, "lists 4 entries, over the limit of 3"),
        (IntakeLimits(max_file_bytes=100), {**MINIMAL, "m.py": "#" * 101}, "limit for one file"),
        (
            IntakeLimits(max_total_bytes=500),
            {**MINIMAL, "m.py": "#" * 300, "n.py": "#" * 300},
            "add up to more than 500 bytes",
        ),
        (IntakeLimits(max_depth=2), {**MINIMAL, "a/b/c/d.py": ""}, "3 folders deep"),
        (IntakeLimits(max_zip_bytes=100), MINIMAL, "over the 100 bytes limit"),
        (IntakeLimits(), {**MINIMAL, "a" * 256 + ".py": ""}, "longer than 255 bytes"),
    ],
)
def test_refuses_what_is_over_a_limit(
    tmp_path: Path, limits: IntakeLimits, entries: dict[str, str], match: str
) -> None:
    refuse(write_zip(tmp_path / "s.zip", entries), match, limits)


def test_refuses_an_existing_target(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("precious")
    with pytest.raises(IntakeError, match="already exists"):
        unpack(write_zip(tmp_path / "s.zip", MINIMAL), tmp_path / "out")
    assert (tmp_path / "out" / "keep.txt").read_text() == "precious"


def test_a_bad_contract_leaves_nothing_behind(tmp_path: Path) -> None:
    zip_path = write_zip(tmp_path / "s.zip", {**MINIMAL, "assessment.toml": "[submission]\n"})
    with pytest.raises(ContractError, match="challenge is missing"):
        intake(zip_path, tmp_path / "out")
    assert tree(tmp_path) == {"s.zip"}


def test_a_failure_midway_removes_what_was_already_extracted(tmp_path: Path) -> None:
    entries = {**MINIMAL, "zz_last.py": "x = 1\n" * 100}
    zip_path = write_zip(tmp_path / "s.zip", entries)
    patch_central(zip_path, "zz_last.py", file_size=10_000)
    refuse(zip_path, "declares 10000 bytes")
