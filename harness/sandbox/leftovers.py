"""Who owns what the harness leaves on the host, and sweeping what a killed harness left.

An owner is one harness process, named by its pid and its start time (the pid alone may be
reused). Docker objects carry the owner as labels (`harness.sandbox.docker`); the harness's
temporary folders (`grade-*` directly in the temp folder: the unpacked submission with the
candidate's code, the stages' outputs, a build context with its wheels) carry it in a marker
file written when they are made. What a harness removes in a `finally` is gone anyway; what
one killed with SIGKILL left is swept at the next start and by `grade sandbox clean`.

The rule is the same everywhere: only what names an owner that is gone is swept. A folder
with no marker, or an unreadable one, is not proof it was left behind (another program's,
or one a harness is still making), and stays.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

TEMP_PREFIX = "grade-"
OWNER_FILE = ".grade-owner"
MAX_MARKER_BYTES = 4096


def process_start(pid: int) -> str:
    """The start time of a process (clock ticks since boot), '' if it does not exist. With
    the pid it names one process even after pids are reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> tuple[str, str]:
    """(pid, start time) of this harness process."""
    return str(os.getpid()), process_start(os.getpid())


def owner_gone(pid: str, started: str) -> bool:
    """Whether the process `pid` that started at `started` has ended."""
    return not pid.isdigit() or process_start(int(pid)) != started


# --- temporary folders ---------------------------------------------------------------------------


@contextlib.contextmanager
def owned_temp_dir(prefix: str) -> Iterator[Path]:
    """`tempfile.TemporaryDirectory(prefix=...)` that names this process as its owner, so
    the next start can remove it when this process is killed before it could."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        write_marker(folder)
        yield folder


def claim_temp_folder(folder: Path) -> None:
    """Mark `folder` as this process's when it is a harness temp folder (`grade-*` directly
    in the temp folder) not marked yet; any other folder is left as it is."""
    named = folder.name.startswith(TEMP_PREFIX) and _in_temp(folder)
    if named and folder.is_dir() and not (folder / OWNER_FILE).exists():
        write_marker(folder)


def write_marker(folder: Path) -> None:
    pid, started = this_process()
    (folder / OWNER_FILE).write_text(json.dumps({"pid": pid, "started": started}))


def read_marker(folder: Path) -> Mapping[str, str] | None:
    """The owner a folder's marker names, or None (no marker, or not one of ours)."""
    try:
        with (folder / OWNER_FILE).open("rb") as stream:
            data = json.loads(stream.read(MAX_MARKER_BYTES))
    except (OSError, ValueError):
        return None
    fields = ("pid", "started")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in fields):
        return None
    return {"pid": data["pid"], "started": data["started"]}


def sweep_temp_folders(root: Path | None = None) -> int:
    """Remove the harness temp folders under `root` (the temp folder) whose owner is gone;
    returns how many. Only folders of this user, never through a symbolic link."""
    root = root or Path(tempfile.gettempdir())
    try:
        candidates = sorted(root.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return 0
    return sum(_sweep_one(folder) for folder in candidates)


def _sweep_one(folder: Path) -> int:
    try:
        if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
            return 0
    except OSError:
        return 0
    owner = read_marker(folder)
    if owner is None or not owner_gone(owner["pid"], owner["started"]):
        return 0
    shutil.rmtree(folder, ignore_errors=True)  # another sweep may be removing it too
    return 0 if folder.exists() else 1


def _in_temp(folder: Path) -> bool:
    try:
        return folder.resolve().parent == Path(tempfile.gettempdir()).resolve()
    except OSError:
        return False
