"""The submission's code as syntax trees: one per Python file, one per notebook (its code cells
joined in order, so a value made in one cell is followed into the next).

A file that is too large, unreadable or does not parse is skipped (past a total budget, so is
the rest); a notebook cell that does not parse is left out of the notebook's tree. Nothing
here raises on hostile input.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.readers.code_marks import SKIP_PARTS
from harness.readers.python_source import strip_magics

MAX_BYTES = 500_000
MAX_TOTAL_BYTES = 5_000_000
"""Past this much code in all (a vendored library, generated files), the rest is not read."""
MAX_FILES = 2_000
PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, TypeError)


@dataclass(frozen=True)
class Module:
    """One tree to analyse, with what is needed to quote a line of it."""

    file: str
    tree: ast.Module
    lines: tuple[str, ...]
    cells: tuple[int, ...] = ()
    """For a notebook: the first line of each code cell in the joined text."""

    def where(self, line: int) -> tuple[str, int]:
        """The file (with its cell, for a notebook) and the line within it."""
        if not self.cells:
            return self.file, line
        number = max((n for n, start in enumerate(self.cells) if start <= line), default=0)
        return f"{self.file} (cell {number + 1})", line - self.cells[number] + 1

    def snippet(self, line: int) -> str:
        return self.lines[line - 1].strip()[:200] if 0 < line <= len(self.lines) else ""


def modules(root: Path) -> Iterator[Module]:
    """Every Python file and notebook under `root` that can be read, as a tree."""
    budget = MAX_TOTAL_BYTES
    for path in _code_paths(root):
        relative = path.relative_to(root).as_posix()
        text = _read(path)
        if text is None:
            continue
        budget -= len(text)
        if budget < 0:
            return
        found = _python(relative, text) if path.suffix == ".py" else _notebook(relative, text)
        if found is not None:
            yield found


def _code_paths(root: Path) -> list[Path]:
    try:
        paths = sorted(root.rglob("*"))
    except OSError:
        return []
    wanted = [
        p
        for p in paths
        if p.suffix in (".py", ".ipynb")
        and not SKIP_PARTS.intersection(p.relative_to(root).parts)
        and p.is_file()
        and not p.is_symlink()
    ]
    return wanted[:MAX_FILES]


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _python(relative: str, text: str) -> Module | None:
    try:
        tree = ast.parse(text)
    except PARSE_ERRORS:
        return None
    return Module(relative, tree, tuple(text.splitlines()))


def _notebook(relative: str, text: str) -> Module | None:
    try:
        cells = json.loads(text).get("cells", [])
        sources = [_cell_text(c) for c in cells if c.get("cell_type") == "code"]
    except (ValueError, AttributeError, TypeError, RecursionError, MemoryError):
        return None
    body: list[ast.stmt] = []
    lines: list[str] = []
    starts: list[int] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except PARSE_ERRORS:
            tree = ast.Module(body=[], type_ignores=[])
        ast.increment_lineno(tree, len(lines))
        starts.append(len(lines) + 1)
        body += tree.body
        lines += source.splitlines() or [""]
    return Module(relative, ast.Module(body=body, type_ignores=[]), tuple(lines), tuple(starts))


def _cell_text(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    text = "".join(map(str, source)) if isinstance(source, list) else str(source)
    return strip_magics(text)
