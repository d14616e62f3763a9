"""A folder zipped twice gives the same bytes, whatever the files' times: a reference's
SHA-256, and so its model API's fault schedule, is the same on every checkout."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

from harness.packing import zip_folder


def _folder(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "train.py").write_text("print('train')\n")
    (root / "pkg" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (root / "pkg" / "run.sh").chmod(0o755)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "x.pyc").write_bytes(b"junk")
    return root


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_files_zip_to_the_same_bytes_whatever_their_times(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "sub")
    first = _sha(zip_folder(folder, tmp_path / "a.zip"))
    for path in folder.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    assert _sha(zip_folder(folder, tmp_path / "b.zip")) == first
    (folder / "train.py").write_text("print('changed')\n")
    assert _sha(zip_folder(folder, tmp_path / "c.zip")) != first


def test_entries_keep_their_names_modes_and_contents(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "sub")
    with zipfile.ZipFile(zip_folder(folder, tmp_path / "a.zip")) as archive:
        assert archive.namelist() == ["pkg/run.sh", "train.py"]
        mode = archive.getinfo("pkg/run.sh").external_attr >> 16
        assert stat.S_IMODE(mode) == 0o755
        assert archive.read("train.py") == b"print('train')\n"
        assert archive.getinfo("train.py").compress_type == zipfile.ZIP_DEFLATED
