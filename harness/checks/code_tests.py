"""Code quality, the tests and the notebooks: what the tests exercise, how notebooks were left.

Two checks, read from the syntax trees of the test code, the `test` stage's JUnit counts
and the notebooks as saved, never by running the code: tests and notebooks.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from harness.checks import evidence
from harness.checks.code_quality import SHOWN, plural
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded, skipped
from harness.checks.source import Source, call_name, functions, shipped_modules, sources
from harness.inventory import Notebook
from harness.models import Evidence
from harness.readers.notebook import NotebookSummary


def _root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


# --- code.tests -----------------------------------------------------------------------------

DATA_WORDS = re.compile(
    r"clean|feature|prep|transform|parse|load|read|encode|impute|normal"
    r"|split|validat|build|schema|column",
    re.IGNORECASE,
)
MODEL_WORDS = re.compile(r"predict|train|fit|score", re.IGNORECASE)
ENTRY_POINTS = frozenset({"main", "serve", "create_app", "TestClient"})
PREDICTION_WORDS = re.compile(r"pred|prob|score", re.IGNORECASE)
ENOUGH_TESTS = 6


@dataclass(frozen=True)
class TestReading:
    """What the test code exercises, read from its syntax trees."""

    own_imports: int
    own_calls: tuple[tuple[str, int, str], ...]
    """Calls into the submission's own code: path, line, the called name."""
    data_calls: int
    model_calls: int
    uses_frames: bool
    prediction_asserts: int
    samples: tuple[tuple[str, int, int], ...]
    """A test function per file worth showing: path, first and last line."""


@check("code.tests", dimension="code_quality", title="Tests")
def tests(context: CheckContext) -> Judgement:
    """Looks at the submission's tests: how many, whether they pass (the `test` stage's JUnit
    counts, never its printed output), and what they exercise, read from their syntax
    trees: do they import the submission's own modules and call its cleaning, feature,
    training and prediction functions, build pandas frames, and assert on predictions?

    Why it matters: tests of the data pipeline and the model's contract are what lets a team
    change the code without breaking production; a test that only imports the code proves
    nothing. Score: count (0.2, full at six tests), passing (0.35), substance (0.45: own code
    called, data functions, model functions, frames and assertions on predictions). Tests
    that never call the submission's own code are capped at 0.3.

    Evidence: the JUnit counts as metrics, the test log, and a test function per file."""
    found = sources(context, tests=True)
    if not found:
        files = len(context.inventory.modules)
        return graded(
            0.0,
            "no tests",
            evidence.text(
                f"no test files (test_*.py, *_test.py, tests/) among {files} Python files"
            ),
        )
    reading = _read_tests(found, _own_names(context))
    count = context.tests.tests if context.tests else context.inventory.test_functions
    passing, passing_note = _passing(context)
    substance = _substance(reading)
    score = 0.2 * min(1.0, count / ENOUGH_TESTS) + 0.35 * passing + substance
    if not reading.own_calls:
        score = min(score, 0.3)
    message = f"{plural(count, 'test')}, {passing_note}; {_exercised(reading)}"
    return graded(score, message, *_tests_evidence(context, reading))


NOT_OWN = frozenset({"setup", "conftest", "__init__", "__main__"}) | sys.stdlib_module_names
"""Names that never resolve to the submission's code (a file named `logging.py` shadows the
standard library only by accident)."""


def _own_names(context: CheckContext) -> frozenset[str]:
    """The names an import of the submission's own code starts with, from wherever the
    tests put it on the path: every folder and module of its non-test code, so that
    `src/model.py` is imported as `src.model` or `model`, `src/pkg/io.py` as `pkg.io`, and
    `app/churn/train.py` as `app.churn.train`, `churn.train` or `train`."""
    names: set[str] = set()
    for module in shipped_modules(context):
        parts = PurePosixPath(module.path).with_suffix("").parts
        names.update(part for part in parts if part.isidentifier())
    return frozenset(names - NOT_OWN)


def _read_tests(found: list[Source], own: frozenset[str]) -> TestReading:
    bound = {name for source in found for name in _bound_own_names(source.tree, own)}
    calls = [
        (s.path, node) for s in found for node in ast.walk(s.tree) if isinstance(node, ast.Call)
    ]
    own_calls = [(p, n.lineno, call_name(n)) for p, n in calls if _root_name(n.func) in bound]
    asserts = [node for s in found for node in ast.walk(s.tree) if isinstance(node, ast.Assert)]
    return TestReading(
        own_imports=len(bound),
        own_calls=tuple(own_calls),
        data_calls=sum(bool(DATA_WORDS.search(name)) for _, _, name in own_calls),
        model_calls=sum(_is_model_call(node, bound) for _, node in calls),
        uses_frames=any(_uses_frames(s.tree) for s in found),
        prediction_asserts=sum(bool(PREDICTION_WORDS.search(ast.unparse(a.test))) for a in asserts),
        samples=tuple(sample for s in found if (sample := _sample(s, bound))[2]),
    )


def _is_model_call(node: ast.Call, bound: set[str]) -> bool:
    """Training or prediction: `model.predict(...)`, an entry point of their own code
    (`train.main([...])`, `create_app(...)`), or an HTTP call to the service."""
    name = call_name(node)
    if MODEL_WORDS.search(name) or (name in ENTRY_POINTS and _root_name(node.func) in bound):
        return True
    first = node.args[0] if node.args else None
    is_route = isinstance(first, ast.Constant) and str(first.value).startswith("/")
    return name in ("post", "get") and is_route


def _bound_own_names(tree: ast.AST, own: frozenset[str]) -> Iterator[str]:
    """Names an import of the submission's own code binds in this file."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_own(node.module, own):
            yield from (alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_own(alias.name, own):
                    yield alias.asname or alias.name.split(".")[0]


def _is_own(module: str | None, own: frozenset[str]) -> bool:
    """`module` (`src.model`, `churn.features`) names the submission's own code."""
    return module is not None and module.split(".")[0] in own


def _uses_frames(tree: ast.AST) -> bool:
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "DataFrame")
        or (isinstance(node, ast.Name) and node.id == "DataFrame")
        for node in ast.walk(tree)
    )


def _sample(source: Source, bound: set[str]) -> tuple[str, int, int]:
    """The first test function that calls the submission's code (else the first test)."""
    tests = [f for f in functions(source.tree) if f.name.startswith("test")]
    calling = [
        f
        for f in tests
        if any(isinstance(n, ast.Call) and _root_name(n.func) in bound for n in ast.walk(f))
    ]
    if not (calling or tests):
        return source.path, 0, 0
    chosen = (calling or tests)[0]
    return source.path, chosen.lineno, min(chosen.end_lineno or chosen.lineno, chosen.lineno + 12)


def _passing(context: CheckContext) -> tuple[float, str]:
    """The share of tests that passed, and how that is known."""
    stage = context.stage("test")
    counts = context.tests
    if context.contract.commands.test is None:
        return 0.0, "not run (no test command in assessment.toml)"
    if counts is not None and (counts.tests > 0 or counts.claimed is not None):
        share = counts.passed / counts.tests if counts.tests else 0.0
        return share, f"{counts.passed} passed, " + (
            f"{counts.failures} failed, {counts.errors} errors{counts.claim_note()}"
        )
    if counts is not None:
        return 0.0, "the test command collected no tests"
    if stage.verdict == "ok":
        return 1.0, "the test command passed (no JUnit report)"
    ended = "did not run" if stage.verdict == "not_run" else f"ended {stage.verdict}"
    return 0.0, f"the test stage {ended} ({stage.reason or 'no reason given'})"


def _substance(reading: TestReading) -> float:
    own = 0.15 if reading.own_calls else 0.05 if reading.own_imports else 0.0
    data = 0.1 if reading.data_calls else 0.0
    model = 0.1 if reading.model_calls else 0.0
    checks = 0.05 * reading.uses_frames + 0.05 * bool(reading.prediction_asserts)
    return own + data + model + checks


def _exercised(reading: TestReading) -> str:
    if not reading.own_calls:
        return "they never call the submission's own code"
    parts = [
        name
        for name, hit in (
            ("the data pipeline", reading.data_calls),
            ("training or prediction", reading.model_calls),
            ("assert on predictions", reading.prediction_asserts),
        )
        if hit
    ]
    return "they test " + (", ".join(parts) if parts else "the submission's own functions")


def _tests_evidence(context: CheckContext, reading: TestReading) -> list[Evidence]:
    found: list[Evidence] = []
    if context.tests is not None:
        counts = context.tests
        found.append(
            evidence.metric(
                "tests",
                counts.tests,
                f"JUnit: {counts.tests} tests, "
                f"{counts.passed} passed, {counts.failures} failed, {counts.errors} errors, "
                f"{counts.skipped} skipped",
            )
        )
    if context.stage("test").verdict != "not_run":
        found.append(evidence.log(context, "test"))
    found.append(
        evidence.metric(
            "own_code_calls",
            len(reading.own_calls),
            "calls from the tests into the submission's own code",
        )
    )
    found += [evidence.code(context, path, first, last) for path, first, last in reading.samples]
    return found[: 3 + SHOWN]


# --- code.notebooks -------------------------------------------------------------------------


@check("code.notebooks", dimension="code_quality", title="Notebooks")
def notebooks(context: CheckContext) -> Judgement:
    """Looks at every notebook as it was saved: cells run out of order (execution counts
    not increasing), cells that never ran while others did, gaps in the counts (cells re-run
    or deleted: hidden state), error outputs, and notebooks that cannot be read. Skipped
    when there are no notebooks.

    Why it matters: a notebook run out of order may not reproduce; its results can depend on
    state no cell shows. Exploration in a notebook beside real modules is fine; a
    submission that is notebooks only scores low (at most 0.3), as nothing can be imported,
    tested or served.

    Evidence: each notebook with its execution counts and error cells."""
    books = context.inventory.notebooks
    if not books:
        return skipped(
            "no notebooks", evidence.text(f"no .ipynb files among {context.inventory.files} files")
        )
    judged = [_notebook(book) for book in books]
    score = sum(s for s, _ in judged) / len(judged)
    problems = [
        f"{book.path}: {note}" for book, (s, note) in zip(books, judged, strict=True) if s < 1.0
    ]
    message = f"{plural(len(books), 'notebook')}, " + (
        f"{len(problems)} with problems ({problems[0]})" if problems else "all run top to bottom"
    )
    if not shipped_modules(context):
        score, message = min(score, 0.3), f"notebook only, no modules; {message}"
    found = [
        evidence.file(book.path, f"{_counts(book)}; {note}")
        for book, (_, note) in zip(books, judged, strict=True)
    ]
    return graded(score, message, *found[:8])


def _notebook(book: Notebook) -> tuple[float, str]:
    summary = book.summary
    if summary.read_error is not None:
        return 0.0, f"unreadable ({summary.read_error})"
    if summary.outputs_stripped or summary.clean_run or summary.code_cells == 0:
        return 1.0, "outputs cleared" if summary.outputs_stripped else "ran top to bottom"
    found = _notebook_problems(summary) or [(0.1, "not run from a fresh kernel")]
    return max(0.0, 1.0 - sum(weight for weight, _ in found)), "; ".join(n for _, n in found)


def _notebook_problems(summary: NotebookSummary) -> list[tuple[float, str]]:
    """What is wrong with how a notebook was left, each with what it costs."""
    ran = [count for count in summary.execution_counts if count is not None]
    gaps = bool(ran) and ran != list(range(ran[0], ran[0] + len(ran)))
    problems = []
    if summary.error_cells:
        problems.append((0.4, f"errors in cells {', '.join(map(str, summary.error_cells))}"))
    if not summary.executed_in_order:
        problems.append((0.35, "run out of order"))
    if len(ran) < summary.code_cells:
        problems.append((0.2, "some cells never ran"))
    if summary.executed_in_order and gaps:
        problems.append((0.15, "gaps in the counts (re-run or deleted cells)"))
    return problems


def _counts(book: Notebook) -> str:
    counts = book.summary.execution_counts
    shown = ", ".join("-" if c is None else str(c) for c in counts[:20])
    return f"execution counts {shown or 'none'}" + (" ..." if len(counts) > 20 else "")
