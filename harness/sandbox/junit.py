"""The test stage's counts, from its JUnit XML, trusted only as far as the submission bears
them out: the one source of the numbers the run table, the terminal and `code.tests` show.

The XML is written by a process the candidate controls, so its summary attributes
(`tests="400"`) are a claim, not a count. What is counted is the `<testcase>` records, each
(classname, name) once, with the outcome of its `failure`, `error` or `skipped` child; a
passed or skipped record counts only when the submission's own Python code defines its test
function (the name before any `[param]`). A passing record naming a function that does not
exist is not a test of this submission. A
forger who copies real names with invented parameters is not caught; pytest plugins in the
submission could lie anyway, so the trusted count is an upper bound, not a proof.
"""

from __future__ import annotations

import ast
import contextlib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

MAX_JUNIT_BYTES = 10 * 1024 * 1024
MAX_SOURCE_BYTES = 2 * 1024 * 1024
OUTCOMES = ("failure", "error", "skipped")
AGAINST = frozenset({"failure", "error"})
"""Outcomes counted as reported: a failing record (a collection error names a module, not a
function) only lowers the share that passed, so nothing is gained by forging one."""
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class TestCounts:
    """Trusted counts from the submission's JUnit XML, never from what it printed."""

    tests: int
    failures: int
    errors: int
    skipped: int
    claimed: int | None = None
    """What the XML's attributes or records claimed, when more than the trusted `tests`."""

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    def summary(self) -> str:
        """`12 passed, 1 failed`, and what the report claimed when it claimed more."""
        return f"{self.passed} passed, {self.failures + self.errors} failed{self.claim_note()}"

    def claim_note(self) -> str:
        """` (the JUnit report claims 400 tests; ...)`, or nothing when it claimed no more."""
        if self.claimed is None:
            return ""
        return (
            f" (the JUnit report claims {self.claimed} tests; "
            f"only {self.tests} are tests this submission defines)"
        )


def read_junit(path: Path, submission: Path) -> TestCounts | None:
    """The trusted counts of the JUnit XML at `path` (None: absent, too large, not XML)."""
    if not path.is_file() or path.stat().st_size > MAX_JUNIT_BYTES:
        return None
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError:
        return None
    defined = defined_tests(submission)
    records = _records(root)
    trusted = {
        key: outcome
        for key, outcome in records.items()
        if outcome in AGAINST or _base(key[1]) in defined
    }
    outcomes = list(trusted.values())
    claim = max(_claimed(root), sum(1 for _ in root.iter("testcase")))
    return TestCounts(
        tests=len(outcomes),
        failures=outcomes.count("failure"),
        errors=outcomes.count("error"),
        skipped=outcomes.count("skipped"),
        claimed=claim if claim > len(outcomes) else None,
    )


def defined_tests(submission: Path) -> frozenset[str]:
    """Names of the test functions the submission's Python code defines anywhere: `test*`
    functions, and `test*` methods of classes (pytest's and unittest's collection)."""
    names: set[str] = set()
    for path in submission.rglob("*.py"):
        tree = _parse(path)
        if tree is not None:
            names.update(_test_names(tree))
    return frozenset(names)


def _parse(path: Path) -> ast.Module | None:
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
        return None
    try:
        return ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _test_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, _FUNCTIONS) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                item.name
                for item in node.body
                if isinstance(item, _FUNCTIONS) and item.name.startswith("test")
            )
    return names


def _records(root: ElementTree.Element) -> dict[tuple[str, str], str]:
    """Each (classname, name) once, with its worst outcome: failure, error, skipped or passed."""
    records: dict[tuple[str, str], str] = {}
    for case in root.iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        outcome = next((child.tag for child in case if child.tag in OUTCOMES), "passed")
        if _rank(outcome) < _rank(records.get(key, "passed")) or key not in records:
            records[key] = outcome
    return records


def _rank(outcome: str) -> int:
    return OUTCOMES.index(outcome) if outcome in OUTCOMES else len(OUTCOMES)


def _base(name: str) -> str:
    """A record's function name: `test_x[3-a]` is `test_x`."""
    return name.split("[", 1)[0]


def _claimed(root: ElementTree.Element) -> int:
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = 0
    for suite in suites:
        with contextlib.suppress(ValueError):
            total += int(suite.get("tests", "0"))
    return total
