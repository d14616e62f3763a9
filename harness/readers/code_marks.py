"""Which names and string constants a submission's code uses, read from its syntax trees.

This is how a check sees that code handles a trap (a `GroupKFold` imported and used, the
leaky column named in code) without running it and without reading comments or docstrings,
where a candidate can write anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from harness.readers.notebook import code_cells
from harness.readers.parsing import Unreadable, parse_python, read_source

SKIP_PARTS = frozenset({".venv", "venv", "site-packages", "__pycache__", ".git", "node_modules"})


@dataclass(frozen=True)
class Mark:
    """One use of a name or string in code: where it is, and the line that holds it."""

    text: str
    file: str
    line: int
    snippet: str


def find_marks(root: Path, names: set[str], strings: set[str]) -> list[Mark]:
    """Every use of the given identifiers (names, attributes, imports) and string constants."""
    marks: list[Mark] = []
    for relative, source in _code_texts(root):
        tree = parse_python(source)
        if isinstance(tree, Unreadable):
            continue
        lines = source.splitlines()
        for text, line in _uses(tree, names, strings):
            snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            marks.append(Mark(text, relative, line, snippet[:200]))
    return marks


def _uses(tree: ast.AST, names: set[str], strings: set[str]) -> Iterator[tuple[str, int]]:
    docstrings = {id(node) for node in _docstring_nodes(tree)}
    for node in ast.walk(tree):
        found = _identifier(node)
        if found in names:
            yield found, getattr(node, "lineno", 0)
        if _is_text(node) and node.value in strings and id(node) not in docstrings:
            yield node.value, node.lineno


def _is_text(node: ast.AST) -> TypeGuard[ast.Constant]:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _identifier(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.alias):
        return node.name.rsplit(".", 1)[-1]
    return None


def _docstring_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and _is_text(first.value):
            yield first.value


def _code_texts(root: Path) -> Iterator[tuple[str, str]]:
    """Each `.py` file's text and each notebook code cell's, as the inventory reads them."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or SKIP_PARTS.intersection(path.relative_to(root).parts):
            continue
        relative = path.relative_to(root).as_posix()
        text = read_source(path) if path.suffix in (".py", ".ipynb") else None
        if isinstance(text, str) and path.suffix == ".py":
            yield relative, text
        elif isinstance(text, str):
            yield from _notebook_cells(text, relative)


def _notebook_cells(text: str, relative: str) -> Iterator[tuple[str, str]]:
    cells = code_cells(text)
    for number, source in enumerate([] if isinstance(cells, Unreadable) else cells, 1):
        yield f"{relative} (cell {number})", source
