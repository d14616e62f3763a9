"""Zipping a submission folder the way intake will unpack it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from harness.files import replacing

JUNK_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"})
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's time: the same files make the same bytes on any checkout, so a reference
has one SHA-256, and with it one fault schedule of a model API, wherever it is validated."""


def zip_folder(folder: Path, out: Path, leave_out: frozenset[str] = frozenset()) -> Path:
    """Every regular file under `folder` (caches and the top-level names in `leave_out`
    left out), at the top of the zip, in name order with fixed times: the same files give
    the same bytes."""
    with replacing(out) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if relative.parts[0] in leave_out:
                continue
            if path.is_file() and not path.is_symlink() and not JUNK_PARTS & set(relative.parts):
                info = zipfile.ZipInfo.from_file(path, relative.as_posix())
                info.date_time = FIXED_TIME
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return out
