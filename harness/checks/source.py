"""Reading the submission's code: its Python files parsed once, test code told apart.

Shared by the code-quality and deployment checks. Code is read through its syntax tree,
never run; a file that does not parse, or is nested too deeply to read safely, is left out
(lint and `code.readable` report it).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from harness.checks.context import CheckContext
from harness.inventory import CapabilityUse, PythonModule
from harness.readers.notebook import code_cells
from harness.readers.parsing import Unreadable, parse_python
from harness.readers.python_source import is_test_code


@dataclass(frozen=True)
class Source:
    """A parsed Python file of the submission."""

    path: str
    tree: ast.Module
    lines: tuple[str, ...]

    def line(self, number: int) -> str:
        return self.lines[number - 1].strip() if 0 < number <= len(self.lines) else ""


@dataclass(frozen=True)
class CodeLine:
    """A line of code a finding shows: where, and the line (a secret's value redacted)."""

    path: str
    line: int
    text: str


@functools.lru_cache(maxsize=512)
def parse(text: str) -> ast.Module | None:
    """The syntax tree of `text`, or None when it is not valid Python or nested too deeply."""
    tree = parse_python(text)
    return None if isinstance(tree, Unreadable) else tree


def sources(context: CheckContext, *, tests: bool = False) -> list[Source]:
    """The submission's `.py` files that parse: test code when `tests`, else the rest."""
    found = []
    for module in context.inventory.modules:
        if is_test_code(module.path) != tests:
            continue
        text = context.text(module.path)
        tree = parse(text) if text is not None else None
        if text is not None and tree is not None:
            found.append(Source(module.path, tree, tuple(text.splitlines())))
    return found


def shipped_modules(context: CheckContext) -> list[PythonModule]:
    """The submission's Python modules outside its test code."""
    return [m for m in context.inventory.modules if not is_test_code(m.path)]


def shipped_uses(context: CheckContext, category: str) -> list[CapabilityUse]:
    """Imports of one kind of library (`serving`, `logging`, ...) in non-test `.py` files."""
    return [
        c
        for c in context.inventory.capabilities
        if c.category == category and c.path.endswith(".py") and not is_test_code(c.path)
    ]


def notebook_cells(text: str) -> list[str]:
    """A notebook's code cells as Python (IPython magics stripped); [] when unreadable."""
    cells = code_cells(text)
    return [] if isinstance(cells, Unreadable) else cells


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function definition in the tree, methods and nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def call_name(node: ast.Call) -> str:
    """`dump` in `joblib.dump(...)` and in `dump(...)`."""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


TRAINING_CALLS = frozenset({"fit", "fit_transform", "fit_predict", "train", "partial_fit"})
"""Calls that fit or train a model (`model.fit(...)`, `lgb.train(...)`, ...)."""


def trains_a_model(trees: Iterable[ast.AST]) -> bool:
    """Whether any of these syntax trees calls something that fits or trains a model."""
    return any(
        isinstance(node, ast.Call) and call_name(node) in TRAINING_CALLS
        for tree in trees
        for node in ast.walk(tree)
    )


def notebook_trees(context: CheckContext) -> list[ast.Module]:
    """The syntax trees of the code cells of the submission's notebooks that parse."""
    trees = []
    for book in context.inventory.notebooks:
        cells = notebook_cells(context.text(book.path) or "")
        trees += [tree for cell in cells if (tree := parse(cell)) is not None]
    return trees
