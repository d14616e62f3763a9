"""Code quality: could a team maintain this, or is it one long script?

Seven checks, each read from the submission's files, the lint run and the `test` stage,
never by running the code: lint, complexity, structure, typing, tests, notebooks, hygiene.
Test code (test files, `conftest.py`, anything under a `tests/` folder) is judged by
`code.tests`; the other checks read the code the team would ship.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded, skipped
from harness.inventory import Notebook, PythonModule
from harness.lint import LintIssue
from harness.models import Evidence
from harness.readers.notebook import NotebookSummary
from harness.readers.python_source import strip_magics

SHOWN = 5
"""How many examples (issues, functions, lines) a finding shows."""


# --- reading the code ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A parsed Python file of the submission."""

    path: str
    tree: ast.Module
    lines: tuple[str, ...]

    def line(self, number: int) -> str:
        return self.lines[number - 1].strip() if 0 < number <= len(self.lines) else ""


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


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


def sources(context: CheckContext, *, tests: bool = False) -> list[Source]:
    """The submission's `.py` files that parse: test code when `tests`, else the rest."""
    found = []
    for module in context.inventory.modules:
        if is_test_code(module.path) != tests:
            continue
        text = context.text(module.path)
        tree = _parse(text) if text is not None else None
        if text is not None and tree is not None:
            found.append(Source(module.path, tree, tuple(text.splitlines())))
    return found


def shipped_modules(context: CheckContext) -> list[PythonModule]:
    return [m for m in context.inventory.modules if not is_test_code(m.path)]


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- code.lint ------------------------------------------------------------------------------

FAMILIES = {
    "F": (1.5, "pyflakes (F)"), "B": (1.5, "bugbear (B)"), "S": (1.0, "bandit (S)"),
    "C90": (1.0, "complexity (C90)"), "E": (0.5, "pycodestyle (E)"),
    "W": (0.5, "pycodestyle warnings (W)"), "SIM": (0.5, "simplify (SIM)"),
    "N": (0.5, "naming (N)"), "UP": (0.25, "pyupgrade (UP)"), "PTH": (0.25, "pathlib (PTH)"),
    "invalid-syntax": (1.5, "syntax errors"), "syntax": (1.5, "syntax errors"),
}  # fmt: skip
"""Per ruff rule family, its weight in the score and its name in a message."""
LINT_SCALE = 4.0
"""Weighted findings per 100 lines at which the lint score halves."""


@check("code.lint", dimension="code_quality", title="Lint")
def lint_findings(context: CheckContext) -> Judgement:
    """Looks at ruff's findings over the submission (run by the pipeline with one fixed rule
    set for everyone), counted by rule family and normalised per 100 lines of Python. Asserts
    in test code (bandit S101) are left out: that is how pytest is written.

    Why it matters: lint density is a cheap proxy for care. Unused imports, undefined names
    and bugbear findings are often real bugs; style findings show whether a team's tooling
    was ever run. Families are weighted (pyflakes and bugbear count most, naming and pathlib
    least) so `X_train` in an ML script does not weigh like an undefined name.

    Evidence: the findings per 100 lines and the count per family as metrics, and the first
    few findings as code snippets (file and line)."""
    summary = context.lint
    if summary.error is not None:
        return skipped(f"lint could not run: {summary.error}", evidence.text(summary.error))
    lines = summary.python_lines + _notebook_lines(context)
    if lines == 0:
        note = f"{len(context.inventory.notebooks)} notebooks (judged by code.notebooks)"
        return skipped("no Python to lint", evidence.text(f"no readable Python lines; {note}"))
    issues = [i for i in summary.issues if not (i.code == "S101" and is_test_code(i.path))]
    families = Counter(_family(issue.code) for issue in issues)
    per_100 = 100 * len(issues) / lines
    weighted = 100 * sum(FAMILIES.get(f, (1.0, f))[0] * n for f, n in families.items())
    score = 1 / (1 + weighted / lines / LINT_SCALE)
    return graded(
        score, _lint_message(per_100, families), *_lint_evidence(context, issues, families, lines)
    )


def _family(code: str) -> str:
    letters = code.rstrip("0123456789")
    return "C90" if letters == "C" else letters


def _lint_message(per_100: float, families: Counter[str]) -> str:
    if not families:
        return "ruff: no findings (test asserts aside)"
    top = [FAMILIES.get(name, (1.0, name))[1] for name, _ in families.most_common(2)]
    return f"ruff: {per_100:.1f} findings per 100 lines, mostly {' and '.join(top)}"


def _lint_evidence(
    context: CheckContext, issues: list[LintIssue], families: Counter[str], lines: int
) -> list[Evidence]:
    per_100 = 100 * len(issues) / lines
    note = f"{len(issues)} ruff findings over {lines} lines of Python (notebook cells included)"
    found = [evidence.metric("findings_per_100_lines", per_100, note)]
    found += [
        evidence.metric(f"lint_{name}", n, f"{FAMILIES.get(name, (1.0, name))[1]} findings")
        for name, n in sorted(families.items())
    ]
    return found + [_lint_issue(context, issue) for issue in issues[:SHOWN]]


def _lint_issue(context: CheckContext, issue: LintIssue) -> Evidence:
    """A finding in a `.py` file as its lines; in a notebook (lines count within a cell) as text."""
    said = f"{issue.code}: {issue.message}"
    if not issue.path.endswith(".py"):
        return evidence.text(f"{said} (line {issue.line} of a cell)", issue.path)
    return evidence.code(context, issue.path, max(1, issue.line)).model_copy(update={"value": said})


def _notebook_lines(context: CheckContext) -> int:
    books = context.inventory.notebooks
    return sum(len(cell.splitlines()) for b in books for cell in _cells(context.text(b.path) or ""))


# --- code.complexity ------------------------------------------------------------------------

COMPLEX = 10
"""Cyclomatic complexity above which a function is hard to test (ruff's C901 default)."""


@dataclass(frozen=True)
class FunctionSize:
    """One function as radon measured it."""

    path: str
    name: str
    first: int
    last: int
    complexity: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


@check("code.complexity", dimension="code_quality", title="Complexity and long functions")
def complexity(context: CheckContext) -> Judgement:
    """Looks at every function of the non-test code with radon: its cyclomatic complexity
    (the number of paths through it) and its length in lines.

    Why it matters: a 120-line `main()` with fifteen branches cannot be tested or changed
    safely; small functions are what a team can review. The score falls with the worst
    complexity (over 10, 15 and 25) and the longest function (over 40, 60 and 100 lines);
    code with no functions at all scores 0.3 (0.6 for a script of up to 20 lines).

    Evidence: the number of functions, their mean and worst complexity and the longest
    length as metrics, and the worst functions as code with their line range."""
    measured = [size for source in sources(context) for size in _radon(source)]
    code_lines = sum(m.source.code_lines for m in shipped_modules(context))
    if not measured:
        return _no_functions(context, code_lines)
    worst = max(size.complexity for size in measured)
    longest = max(size.length for size in measured)
    score = 0.6 * _complexity_score(worst) + 0.4 * _length_score(longest)
    over = sum(size.complexity > COMPLEX for size in measured)
    message = (
        f"{_plural(len(measured), 'function')}: worst complexity {worst}, longest "
        f"{longest} lines; {over} above complexity {COMPLEX}"
    )
    return graded(score, message, *_complexity_evidence(context, measured))


def _radon(source: Source) -> list[FunctionSize]:
    from radon.complexity import cc_visit_ast  # type: ignore[import-untyped]
    from radon.visitors import Function  # type: ignore[import-untyped]

    return [
        FunctionSize(source.path, block.fullname, block.lineno, block.endline, block.complexity)
        for block in cc_visit_ast(source.tree)
        if isinstance(block, Function)
    ]


def _complexity_score(worst: int) -> float:
    return 1.0 if worst <= COMPLEX else 0.7 if worst <= 15 else 0.45 if worst <= 25 else 0.2


def _length_score(longest: int) -> float:
    return 1.0 if longest <= 40 else 0.8 if longest <= 60 else 0.55 if longest <= 100 else 0.3


def _no_functions(context: CheckContext, code_lines: int) -> Judgement:
    files = [
        evidence.file(m.path, f"{m.source.code_lines} code lines, no functions")
        for m in shipped_modules(context)[:SHOWN]
    ]
    if code_lines == 0:
        return skipped(
            "no Python code outside the tests",
            evidence.text(
                f"{len(context.inventory.notebooks)} notebooks, no .py modules to measure"
            ),
        )
    score = 0.6 if code_lines <= 20 else 0.3
    return graded(
        score, f"{code_lines} lines of code and not one function: all at module level", *files
    )


def _complexity_evidence(context: CheckContext, measured: list[FunctionSize]) -> list[Evidence]:
    mean = sum(size.complexity for size in measured) / len(measured)
    found = [
        evidence.metric("functions", len(measured), "functions measured (non-test code)"),
        evidence.metric("mean_complexity", mean, "mean cyclomatic complexity"),
        evidence.metric("worst_complexity", max(s.complexity for s in measured)),
        evidence.metric("longest_function_lines", max(s.length for s in measured)),
    ]
    worst = sorted(measured, key=lambda s: (-s.complexity, -s.length, s.path, s.first))[:3]
    longest = max(measured, key=lambda s: (s.length, s.complexity))
    for size in [*worst, *([longest] if longest not in worst else [])]:
        shown = evidence.code(context, size.path, size.first, size.last)
        note = f"{size.name}: complexity {size.complexity}, {size.length} lines"
        found.append(shown.model_copy(update={"value": note}))
    return found


# --- code.structure -------------------------------------------------------------------------

LONG_SCRIPT = 300
"""Lines above which one file is a long script."""


@check("code.structure", dimension="code_quality", title="Structure")
def structure(context: CheckContext) -> Judgement:
    """Looks at how the code is laid out: a package (a folder with `__init__.py`) of several
    modules, several flat scripts, one script, or notebooks only.

    Why it matters: a package with focused modules (cleaning, features, training, serving)
    is what a team can test, import and deploy; one 600-line script or a notebook is what it
    has to rewrite first. A package loses a little when one module is over 300 lines; a
    single script loses more when it is long.

    Evidence: the Python files with their line counts (largest first), and the packages."""
    with_code = [m for m in shipped_modules(context) if m.source.code_lines]
    modules = sorted(with_code, key=lambda m: (-m.source.lines, m.path))
    packaged = [m for m in modules if _in_package(m.path, context.inventory.packages)]
    largest = modules[0].source.lines if modules else 0
    score, shape = _shape(len(modules), len(packaged), largest, len(context.inventory.notebooks))
    files: list[Evidence] = [evidence.file(m.path, f"{m.source.lines} lines") for m in modules[:8]]
    files += [
        evidence.file(n.path, f"notebook, {n.summary.code_cells} code cells")
        for n in context.inventory.notebooks[:3]
    ]
    packages = ", ".join(context.inventory.packages) or "none"
    files.append(evidence.text(f"packages: {packages}; {len(modules)} non-test modules"))
    return graded(score, shape, *files)


def _in_package(path: str, packages: tuple[str, ...]) -> bool:
    return PurePosixPath(path).parent.as_posix() in packages


def _shape(modules: int, packaged: int, largest: int, notebooks: int) -> tuple[float, str]:
    if modules == 0:
        if notebooks:
            return 0.1, f"notebook only: {_plural(notebooks, 'notebook')}, no Python modules"
        return 0.0, "no Python code found"
    if packaged >= 2:
        long = largest > LONG_SCRIPT
        return (0.85 if long else 1.0), f"a package of {packaged} modules" + (
            f"; the largest is {largest} lines" if long else ""
        )
    if modules >= 2:
        return (0.5 if largest > LONG_SCRIPT else 0.6), f"{modules} flat scripts, no package"
    if largest > LONG_SCRIPT:
        return 0.2, f"one long script of {largest} lines"
    return 0.4, f"one script of {largest} lines"


# --- code.typing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Annotations:
    """Annotated slots (parameters and returns) of the functions of one file."""

    annotated: int
    total: int
    bare: tuple[tuple[str, int, str], ...]
    """Functions with a missing annotation: path, line, the `def` line."""


@check("code.typing", dimension="code_quality", title="Type annotations")
def typing_coverage(context: CheckContext) -> Judgement:
    """Looks at every function of the non-test code through its syntax tree: the share of
    parameters (`self` and `cls` left out) and return values that carry a type annotation.

    Why it matters: annotations are the cheapest documentation of what a function takes and
    gives (a DataFrame? a path? a dict of what?) and let a type checker catch mistakes before
    a reviewer does. The score is the share annotated.

    Evidence: the share and the counts as metrics, and the first functions with a missing
    annotation as code lines."""
    counted = [_annotations(source) for source in sources(context)]
    total = sum(c.total for c in counted)
    if total == 0:
        return skipped(
            "no functions outside the tests to annotate",
            evidence.text(
                f"{len(shipped_modules(context))} non-test modules, no function definitions"
            ),
        )
    annotated = sum(c.annotated for c in counted)
    share = annotated / total
    bare = [item for c in counted for item in c.bare][:SHOWN]
    found = [
        evidence.metric(
            "annotated_share", share, f"{annotated} of {total} parameters and returns annotated"
        )
    ]
    found += [evidence.snippet(path, line, text) for path, line, text in bare]
    return graded(
        share,
        f"{share:.0%} of parameters and returns are annotated ({annotated} of {total})",
        *found,
    )


def _annotations(source: Source) -> Annotations:
    annotated = total = 0
    bare: list[tuple[str, int, str]] = []
    for function in _functions(source.tree):
        slots = _slots(function)
        total += len(slots)
        annotated += sum(slots)
        if not all(slots):
            bare.append((source.path, function.lineno, source.line(function.lineno)))
    return Annotations(annotated, total, tuple(bare))


def _slots(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[bool]:
    """Per parameter and for the return: annotated or not."""
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    slots = [p.annotation is not None for p in parameters if p.arg not in ("self", "cls")]
    return [*slots, function.returns is not None]


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
    message = f"{_plural(count, 'test')}, {passing_note}; {_exercised(reading)}"
    return graded(score, message, *_tests_evidence(context, reading))


def _own_names(context: CheckContext) -> frozenset[str]:
    """Top-level names the submission's own code is imported by (`src/` layouts too)."""
    names = set()
    for module in shipped_modules(context):
        parts = PurePosixPath(module.path).parts
        parts = parts[1:] if parts[0] == "src" and len(parts) > 1 else parts
        names.add(parts[0].removesuffix(".py"))
    return frozenset(names - {"setup", "conftest", "__init__"})


def _read_tests(found: list[Source], own: frozenset[str]) -> TestReading:
    bound = {name for source in found for name in _bound_own_names(source.tree, own)}
    calls = [
        (s.path, node) for s in found for node in ast.walk(s.tree) if isinstance(node, ast.Call)
    ]
    own_calls = [(p, n.lineno, _call_name(n)) for p, n in calls if _root_name(n.func) in bound]
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
    name = _call_name(node)
    if MODEL_WORDS.search(name) or (name in ENTRY_POINTS and _root_name(node.func) in bound):
        return True
    first = node.args[0] if node.args else None
    is_route = isinstance(first, ast.Constant) and str(first.value).startswith("/")
    return name in ("post", "get") and is_route


def _bound_own_names(tree: ast.AST, own: frozenset[str]) -> Iterator[str]:
    """Names an import of the submission's own code binds in this file."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in own:
            yield from (alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in own:
                    yield alias.asname or alias.name.split(".")[0]


def _uses_frames(tree: ast.AST) -> bool:
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "DataFrame")
        or (isinstance(node, ast.Name) and node.id == "DataFrame")
        for node in ast.walk(tree)
    )


def _sample(source: Source, bound: set[str]) -> tuple[str, int, int]:
    """The first test function that calls the submission's code (else the first test)."""
    tests = [f for f in _functions(source.tree) if f.name.startswith("test")]
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
    if counts is not None and counts.tests > 0:
        return counts.passed / counts.tests, f"{counts.passed} passed, " + (
            f"{counts.failures} failed, {counts.errors} errors"
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
    message = f"{_plural(len(books), 'notebook')}, " + (
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


# --- code.hygiene ---------------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|secret(?:_key)?|password|passwd|pwd|token|access_?key|private_?key"
    r"|auth_?token|client_?secret|credentials?)$",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(
    r"AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_\-]{20,}|ghp_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|hf_[A-Za-z0-9]{30,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
PLACEHOLDER = re.compile(r"your|change.?me|xxx|example|dummy|<|\$\{|\*\*\*|todo|test", re.I)
ABSOLUTE_PATH = re.compile(
    r"(?:^|[\s\"'=(])(?:/Users/|/home/|/root/|/Volumes/|/mnt/[a-z]/|/content/drive|~/"
    r"|[A-Za-z]:[\\/])"
)


@dataclass(frozen=True)
class Mark:
    """A line of code worth showing: where, and the line (a secret's value redacted)."""

    path: str
    line: int
    text: str


@check("code.hygiene", dimension="code_quality", title="Requirements, secrets and paths")
def hygiene(context: CheckContext) -> Judgement:
    """Looks at three habits: requirements pinned to exact versions (`==`), secrets in code
    (string constants assigned to names like `api_key` or `password`, or shaped like known
    keys: AWS, OpenAI, GitHub, Slack, Hugging Face, private keys), and absolute paths of one
    machine (`/Users/...`, `/home/...`, `C:\\...`, a mounted Google Drive). Code is read
    through its syntax tree, notebooks' code cells included; comments and docstrings are not
    read. No requirements file is fine: the challenge runtime provides the usual libraries.

    Why it matters: unpinned requirements give a different program next month; a committed
    secret is a security incident; a hard-coded home folder runs on one laptop only.
    Score: pins 0.35 (the share pinned), no secrets 0.35, no absolute paths 0.3 (half of it
    off per path); any secret caps the score at 0.35.

    Evidence: the unpinned requirements, and each secret (redacted) or path with its line."""
    pinned, unpinned = _pins(context)
    secrets, paths = _marks(context)
    pin_share = pinned / (pinned + unpinned) if pinned + unpinned else 1.0
    score = 0.35 * pin_share + 0.35 * (not secrets) + 0.3 * max(0.0, 1 - len(paths) / 2)
    score = min(score, 0.35) if secrets else score
    message = "; ".join(
        [
            _pin_note(pinned, unpinned, bool(context.inventory.requirements)),
            f"{_plural(len(secrets), 'secret')} in code" if secrets else "no secrets in code",
            f"{_plural(len(paths), 'absolute path')}" if paths else "no absolute paths",
        ]
    )
    return graded(score, message, *_hygiene_evidence(context, secrets, paths))


def _pins(context: CheckContext) -> tuple[int, int]:
    summaries = [r.summary for r in context.inventory.requirements]
    return sum(len(s.pinned) for s in summaries), sum(len(s.unpinned) for s in summaries)


def _pin_note(pinned: int, unpinned: int, has_file: bool) -> str:
    if not has_file:
        return "no requirements file (the challenge runtime is used)"
    return f"{pinned} of {pinned + unpinned} requirements pinned"


def _marks(context: CheckContext) -> tuple[list[Mark], list[Mark]]:
    secrets: list[Mark] = []
    paths: list[Mark] = []
    for label, tree, lines in _code_units(context):
        for node, parent in _strings(tree):
            value = str(node.value)
            line = lines[node.lineno - 1].strip() if 0 < node.lineno <= len(lines) else value
            if _is_secret(node, parent):
                secrets.append(Mark(label, node.lineno, line.replace(value, _redact(value))))
            elif ABSOLUTE_PATH.search(value):
                paths.append(Mark(label, node.lineno, line))
    return secrets, paths


def _code_units(context: CheckContext) -> Iterator[tuple[str, ast.Module, list[str]]]:
    """Every parsed `.py` file, and every notebook's code cells (labelled `path [cell n]`)."""
    for source in [*sources(context), *sources(context, tests=True)]:
        yield source.path, source.tree, list(source.lines)
    for book in context.inventory.notebooks:
        for number, cell in enumerate(_cells(context.text(book.path) or ""), 1):
            tree = _parse(cell)
            if tree is not None:
                yield f"{book.path} [cell {number}]", tree, cell.splitlines()


def _cells(text: str) -> list[str]:
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    return [
        strip_magics("".join(s) if isinstance(s := c.get("source", ""), list) else str(s))
        for c in code
    ]


def _strings(tree: ast.AST) -> Iterator[tuple[ast.Constant, ast.AST]]:
    """String constants and the node that holds each (docstrings left out)."""
    docstrings = {id(node) for node in _docstrings(tree)}
    for parent in ast.walk(tree):
        for node in ast.iter_child_nodes(parent):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and id(node) not in docstrings:
                assert isinstance(node, ast.Constant)
                yield node, parent


def _docstrings(tree: ast.AST) -> Iterable[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                yield body[0].value


def _is_secret(node: ast.Constant, parent: ast.AST) -> bool:
    value = str(node.value)
    if SECRET_VALUE.search(value):
        return True
    if len(value) < 8 or any(ch.isspace() for ch in value) or PLACEHOLDER.search(value):
        return False
    return any(SECRET_NAME.search(name) for name in _bound_to(node, parent).split())


def _bound_to(node: ast.Constant, parent: ast.AST) -> str:
    """The name a string constant is given to: an assignment, a keyword or a dict key."""
    if isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return " ".join(_target_name(t) for t in targets)
    if isinstance(parent, ast.keyword) and parent.value is node:
        return parent.arg or ""
    if isinstance(parent, ast.Dict) and node in parent.values:
        key = parent.keys[parent.values.index(node)]
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
    return ""


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name):
        return target.id
    return target.attr if isinstance(target, ast.Attribute) else ""


def _redact(value: str) -> str:
    return value[:4] + "..." + f"[{len(value)} characters, redacted]"


def _hygiene_evidence(
    context: CheckContext, secrets: list[Mark], paths: list[Mark]
) -> list[Evidence]:
    found = [
        evidence.file(r.path, "unpinned: " + ", ".join(r.summary.unpinned[:10]))
        for r in context.inventory.requirements
        if r.summary.unpinned
    ]
    found += [evidence.snippet(m.path, m.line, "secret: " + m.text) for m in secrets[:SHOWN]]
    found += [evidence.snippet(m.path, m.line, m.text) for m in paths[:SHOWN]]
    if not found:
        files = len(context.inventory.modules) + len(context.inventory.notebooks)
        pins = [f"{r.path}: {len(r.summary.pinned)} pinned" for r in context.inventory.requirements]
        found.append(
            evidence.text(
                f"no secrets or absolute paths in {files} code files; "
                + ("; ".join(pins) or "no requirements file")
            )
        )
    return found
