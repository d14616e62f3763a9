"""Parsing what a candidate wrote, totally: a parsed value, or why it could not be read.

Every reader of candidate Python, notebook JSON and text goes through these functions, so no
file can crash the grader: a sum of 10,000 terms, a line of 100,000 minus signs or a notebook
of any shape becomes an `Unreadable` with its reason, never an exception. Syntax trees deeper
than `MAX_NESTING` are refused too: the recursive visitors that read them later (radon,
`ast.unparse`) use about three Python frames a level, and must stay far from the recursion
limit wherever they are called from.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

MAX_NESTING = 100
"""Deepest syntax tree read; real code rarely goes past 30 (a 100-term sum is 100 deep)."""
MAX_SOURCE_BYTES = 2 * 1024 * 1024
"""Larger source files (Python, notebooks) are listed but not parsed."""


@dataclass(frozen=True)
class Unreadable:
    """Why a file (or a notebook cell) could not be read."""

    reason: str


def parse_python(text: str) -> ast.Module | Unreadable:
    """The syntax tree of `text`, or why there is none: not Python, or nested too deeply."""
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        return Unreadable(f"not valid Python: line {err.lineno}: {err.msg}")
    except ValueError as err:  # null bytes
        return Unreadable(f"not valid Python: {err}")
    except (RecursionError, MemoryError):  # the parser's own guards against deep nesting
        return Unreadable(f"nested too deeply to parse, over {MAX_NESTING} levels")
    if nested_deeper(tree, MAX_NESTING):
        return Unreadable(f"nested more than {MAX_NESTING} levels deep")
    return tree


def nested_deeper(tree: ast.AST, limit: int) -> bool:
    """Whether the tree is more than `limit` nodes deep (walked without recursion)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def parse_json(text: str) -> object | Unreadable:
    """The JSON value of `text`, or why it is not JSON (nesting too deep included)."""
    try:
        value: object = json.loads(text)
    except ValueError as err:
        return Unreadable(f"not valid JSON: {_first_line(err)}")
    except (RecursionError, MemoryError):
        return Unreadable("not readable JSON: nested too deeply")
    return value


def read_source(path: Path, limit: int = MAX_SOURCE_BYTES) -> str | Unreadable:
    """A source file's UTF-8 text, or why it is not read (too large, not UTF-8, unreadable)."""
    try:
        if path.stat().st_size > limit:
            return Unreadable(f"over {limit // (1024 * 1024)} MiB: not read")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Unreadable("not UTF-8 text")
    except OSError as err:
        return Unreadable(f"could not be opened: {err.strerror or type(err).__name__}")


def _first_line(err: Exception) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__
