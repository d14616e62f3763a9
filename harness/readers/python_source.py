"""Reading Python source through its syntax tree: imports, functions, pytest tests."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from harness.models import Frozen
from harness.readers.parsing import Unreadable, parse_python

MAGIC_PREFIXES = ("%", "!", "?")


class ImportUse(Frozen):
    """A top-level package imported, and the line where."""

    module: str
    line: int


class PythonSource(Frozen):
    """What the syntax tree of one file (or notebook cell) shows."""

    lines: int
    code_lines: int
    imports: tuple[ImportUse, ...] = ()
    functions: int = 0
    test_functions: int = 0
    syntax_error: str | None = None
    """Why the file could not be parsed: not valid Python, or nested too deeply."""


def read_python(text: str, *, is_test_file: bool = False) -> PythonSource:
    """Summarise Python source; a file that does not parse says why instead of raising."""
    lines = text.splitlines()
    code_lines = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    tree = parse_python(text)
    if isinstance(tree, Unreadable):
        return PythonSource(lines=len(lines), code_lines=code_lines, syntax_error=tree.reason)
    return PythonSource(
        lines=len(lines),
        code_lines=code_lines,
        imports=imports_of(tree),
        functions=sum(isinstance(node, _FUNCTIONS) for node in ast.walk(tree)),
        test_functions=count_tests(tree) if is_test_file else 0,
    )


def strip_magics(cell: str) -> str:
    """A notebook cell's source with IPython magics and shell escapes blanked out."""
    return "\n".join(
        "" if line.lstrip().startswith(MAGIC_PREFIXES) else line for line in cell.splitlines()
    )


def imports_of(tree: ast.AST) -> tuple[ImportUse, ...]:
    """Top-level package names imported anywhere in the tree, with their lines."""
    found: list[ImportUse] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                ImportUse(module=alias.name.split(".")[0], line=node.lineno) for alias in node.names
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(ImportUse(module=node.module.split(".")[0], line=node.lineno))
    return tuple(sorted(set(found), key=lambda use: (use.line, use.module)))


def count_tests(tree: ast.Module | ast.AST) -> int:
    """pytest's default collection: `test*` functions, and `test*` methods of `Test*`
    classes, at the top level of the module."""
    body = tree.body if isinstance(tree, ast.Module) else []
    count = 0
    for node in body:
        if isinstance(node, _FUNCTIONS) and node.name.startswith("test"):
            count += 1
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += sum(
                isinstance(item, _FUNCTIONS) and item.name.startswith("test") for item in node.body
            )
    return count


def is_test_code(path: str) -> bool:
    """Test files, `conftest.py` and anything under a `tests/` or `test/` folder."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in ("tests", "test") for part in parts[:-1])
    )


def is_test_path(path: str) -> bool:
    """pytest's default file pattern: `test_*.py` or `*_test.py`."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
