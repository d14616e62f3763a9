"""What a batch was asked to grade: zips, folders of zips, manifest CSVs, as one list.

A folder is read non-recursively (its `*.zip` files, sorted): an out folder or unpacked copies
below it are never picked up by accident. A manifest is a CSV (UTF-8, a byte-order mark
allowed) whose header is exactly the columns `name`, `contact` and `zip` in any order; a
`zip` path is relative to the manifest's folder. A path given on the command line that does
not exist, a manifest with another header and no submission at all are bad input (exit 2); a
manifest row naming a file that is missing or unreadable is that row's problem only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.batch.ledger import Sender
from harness.errors import HarnessError

MANIFEST_COLUMNS = ("name", "contact", "zip")
MANIFEST_SUFFIX = ".csv"


@dataclass(frozen=True)
class Wanted:
    """One submission to grade: its file and who sent it, or why it cannot be read."""

    path: Path
    sender: Sender
    problem: str = ""
    """Set when the file cannot be read (a manifest row naming a missing file)."""


def collect(inputs: Sequence[Path]) -> list[Wanted]:
    """Every submission the inputs name, in order; raises `HarnessError` for bad input."""
    if not inputs:
        raise HarnessError("no inputs", hint="give zips, folders of zips or a manifest CSV")
    wanted = [one for path in inputs for one in _expand(path)]
    if not wanted:
        names = ", ".join(str(p) for p in inputs)
        raise HarnessError(f"no submissions in {names}", hint="a folder's *.zip files are graded")
    return wanted


def _expand(path: Path) -> Iterator[Wanted]:
    if path.is_dir():
        zips = sorted(p for p in path.iterdir() if p.suffix.lower() == ".zip" and p.is_file())
        yield from (Wanted(p, Sender(file=str(p), path=_absolute(p))) for p in zips)
    elif path.suffix.lower() == MANIFEST_SUFFIX and path.is_file():
        yield from read_manifest(path)
    elif path.exists():
        yield Wanted(path, Sender(file=str(path), path=_absolute(path)))
    else:
        raise HarnessError(f"{path}: no such file or folder", hint="check the path")


def read_manifest(path: Path) -> list[Wanted]:
    """The rows of a manifest CSV; a wrong header is bad input naming the columns wanted."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            rows = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise HarnessError(f"{path}: cannot read the manifest ({err})") from err
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if sorted(header) != sorted(MANIFEST_COLUMNS):
        raise HarnessError(
            f"{path}: the header is {','.join(header) or 'empty'}, not the manifest's columns",
            hint=f"its first line must be {','.join(MANIFEST_COLUMNS)} (any order)",
        )
    return list(_rows(path, header, rows[1:]))


def _rows(path: Path, header: list[str], rows: Iterable[list[str]]) -> Iterator[Wanted]:
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        given = values.get("zip", "")
        target = path.parent / given
        sender = Sender(file=given, name=values.get("name", ""),
                        contact=values.get("contact", ""), path=_absolute(target))  # fmt: skip
        yield Wanted(target, sender, _unreadable(target, given, f"{path.name} line {number}"))


def _absolute(path: Path) -> str:
    return str(path.resolve())


def _unreadable(target: Path, given: str, where: str) -> str:
    if not given:
        return f"{where}: no zip given"
    if not target.is_file():
        return f"{where}: {given}: no such file"
    try:
        with target.open("rb"):
            return ""
    except OSError as err:
        return f"{where}: {given}: cannot read it ({err.strerror or err})"
