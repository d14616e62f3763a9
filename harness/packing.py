"""Zipping a submission folder the way intake will unpack it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from harness.files import replacing

JUNK_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"})


def zip_folder(folder: Path, out: Path, leave_out: frozenset[str] = frozenset()) -> Path:
    """Every regular file under `folder` (caches and the top-level names in `leave_out`
    left out), at the top of the zip."""
    with replacing(out) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if relative.parts[0] in leave_out:
                continue
            if path.is_file() and not path.is_symlink() and not JUNK_PARTS & set(relative.parts):
                archive.write(path, relative.as_posix())
    return out
