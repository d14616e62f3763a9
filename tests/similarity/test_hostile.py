"""Whatever a submission folder holds, similarity skips what it cannot read and never raises."""

from __future__ import annotations

import os
from pathlib import Path

from harness.similarity import find_similar
from harness.similarity.sources import folder_sources
from tests.similarity.solutions import LOGISTIC, write_folder


def hostile_folder(root: Path, secret: Path) -> Path:
    root.mkdir()
    (root / "binary.py").write_bytes(b"\x00\x01\x02ELF" * 1000)
    (root / "latin1.py").write_bytes(bytes(range(128, 256)) * 50)  # not UTF-8: skipped
    (root / "huge.py").write_text("x = 1\n" * 600_000)  # over 3 MiB
    (root / "parens.py").write_text("y = " + "(" * 50_000 + "1" + ")" * 50_000 + "\n")
    (root / "one_line.py").write_text("z = [" + "1, " * 200_000 + "]")
    (root / "empty.py").write_text("")
    (root / "broken.ipynb").write_text('{"cells": [{"cell_type": "code", "source": 42}, 7]')
    (root / "not_json.ipynb").write_text("{{{")
    deep = root
    for level in range(40):
        deep = deep / f"d{level}"
    deep.mkdir(parents=True)
    (deep / "deep.py").write_text("print('deep')\n")
    (root / "stolen.py").symlink_to(secret)  # the other candidate's code, through a link
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    os.mkfifo(root / "pipe.py")
    return root


def test_hostile_files_are_skipped_and_nothing_raises(tmp_path: Path) -> None:
    honest = write_folder(tmp_path / "honest", LOGISTIC)
    hostile = hostile_folder(tmp_path / "hostile", honest / "churnmodel" / "train.py")
    read = {source.path for source in folder_sources(hostile)}
    assert read == {"empty.py", "parens.py"}  # one_line.py: over 250,000 characters
    missing = tmp_path / "missing"
    a_file = honest / "churnmodel" / "train.py"
    link = tmp_path / "link"
    link.symlink_to(honest, target_is_directory=True)
    submissions = {"honest": honest, "hostile": hostile, "missing": missing, "file": a_file}
    pairs = find_similar(submissions | {"link": link}, {"ref": hostile}, [hostile, missing])
    assert pairs == []  # the symlinked copy is not followed; the linked folder is not read
    assert folder_sources(link) == []
