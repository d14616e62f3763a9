"""Atomic writes: a file is replaced whole or left as it was, and nothing partial remains."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.files import replacing, write_text


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "result.json"
    assert write_text(out, "new\n") == out
    assert out.read_text() == "new\n" and list(out.parent.iterdir()) == [out]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    with pytest.raises(RuntimeError), replacing(out) as partial:
        partial.write_text("half")
        raise RuntimeError("render failed")
    assert out.read_text() == "old" and list(tmp_path.iterdir()) == [out]


def test_an_unwritable_place_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HarnessError, match="cannot write"):
        write_text(blocker / "result.json", "{}")
