"""The code of a folder, as text to fingerprint: Python files and notebooks' code cells.

Total: a file that cannot be read (binary, too large, not UTF-8 enough, a symlink, a
notebook of any shape) is skipped, never raised. Intake refuses symlinks already; this
module does not follow them either, nor go deeper than `MAX_DEPTH` folders.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.readers.notebook import code_cells
from harness.readers.parsing import MAX_SOURCE_BYTES, Unreadable

MAX_DEPTH = 16
"""Deepest folder read below a submission (intake's own limit)."""
MAX_FILES = 500
"""At most this many code files are read from one folder, in path order."""
MAX_FILE_CHARS = 250_000
"""A longer code file (about 6,000 lines) is generated or data, not written: skipped. Pygments
takes about 15 s a million characters of dense code."""
MAX_FOLDER_CHARS = 1_000_000
"""Files past this much code in one folder (in path order) are skipped."""
SKIPPED_DIRS = frozenset(
    {".git", "__pycache__", ".venv", "venv", "env", "node_modules", "site-packages"}
    | {".ipynb_checkpoints"}
)
_FENCE = re.compile(r"^```[ \t]*(?:python|py|python3)?[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Source:
    """One file's code; for a notebook, its code cells joined, each under `# %% cell N`."""

    path: str
    """Relative to the folder, with `/`."""
    code: str


def folder_sources(folder: Path) -> list[Source]:
    """The Python files and notebooks under `folder`, readable ones only, in path order."""
    found: list[Source] = []
    if not _is_folder(folder):
        return found
    total = 0
    for path in _code_files(folder):
        source = read_source(path, path.relative_to(folder).as_posix())
        if source is not None and total + len(source.code) <= MAX_FOLDER_CHARS:
            found.append(source)
            total += len(source.code)
    return found


def boilerplate_sources(paths: Sequence[Path]) -> list[Source]:
    """The code of the challenge's public bundle: Python files, notebooks, and the fenced
    code blocks of Markdown and text files (a brief's examples). Folders are walked."""
    found: list[Source] = []
    for path in paths:
        files = [path] if _is_regular(path) else list(_code_files(path, text_too=True))
        for file in files:
            source = read_source(file, file.name, text_too=True)
            if source is not None:
                found.append(source)
    return found


def read_source(path: Path, name: str, *, text_too: bool = False) -> Source | None:
    """The code of one file, or None when it is not code or cannot be read."""
    text = _read_text(path)
    if text is None:
        return None
    suffix = path.suffix.lower()
    if suffix == ".py":
        return Source(name, text) if len(text) <= MAX_FILE_CHARS else None
    if suffix == ".ipynb":
        cells = code_cells(text)
        if isinstance(cells, Unreadable):
            return None
        code = "\n".join(f"# %% cell {n}\n{cell}" for n, cell in enumerate(cells, 1))
        return Source(name, code) if len(code) <= MAX_FILE_CHARS else None
    if text_too and suffix in {".md", ".txt", ".rst"}:
        blocks = _FENCE.findall(text)
        return Source(name, "\n".join(blocks)) if blocks else None
    return None


def _read_text(path: Path) -> str | None:
    try:
        if not _is_regular(path) or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data:
        return None  # binary
    text = data.decode("utf-8", errors="replace")
    return None if text.count("\ufffd") > len(text) // 100 + 1 else text


def _is_folder(path: Path) -> bool:
    """A folder that is not a symlink."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _is_regular(path: Path) -> bool:
    """A regular file that is not a symlink (lstat: the link itself is looked at)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _code_files(folder: Path, *, text_too: bool = False) -> Iterator[Path]:
    suffixes = {".py", ".ipynb"} | ({".md", ".txt", ".rst"} if text_too else set())
    files: list[Path] = []
    stack: list[tuple[Path, int]] = [(folder, 0)]
    while stack and len(files) < MAX_FILES:
        current, depth = stack.pop()
        try:
            entries = sorted(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                mode = entry.lstat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and depth < MAX_DEPTH and entry.name not in SKIPPED_DIRS:
                stack.append((entry, depth + 1))
            elif stat.S_ISREG(mode) and entry.suffix.lower() in suffixes:
                files.append(entry)
    yield from sorted(files)[:MAX_FILES]
