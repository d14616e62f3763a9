"""Code quality: could a team maintain this, or is it one long script?

Seven checks, each read from the submission's files, the lint run and the `test` stage,
never by running the code. Here: lint, complexity, structure, typing; `code_tests` holds
tests and notebooks, `code_hygiene` holds hygiene. Test code (test files, `conftest.py`,
anything under a `tests/` folder) is judged by `code.tests`; the other checks read the code
the team would ship.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded, skipped
from harness.checks.source import (
    Source,
    functions,
    notebook_cells,
    shipped_modules,
    sources,
)
from harness.lint import LintIssue, family
from harness.models import Evidence
from harness.readers.python_source import is_test_code

SHOWN = 5
"""How many examples (issues, functions, lines) a finding shows."""


def plural(count: int, word: str) -> str:
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
    families = Counter(family(issue.code) for issue in issues)
    per_100 = 100 * len(issues) / lines
    weighted = 100 * sum(FAMILIES.get(f, (1.0, f))[0] * n for f, n in families.items())
    score = 1 / (1 + weighted / lines / LINT_SCALE)
    return graded(
        score, _lint_message(per_100, families), *_lint_evidence(context, issues, families, lines)
    )


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
    cells = [notebook_cells(context.text(b.path) or "") for b in context.inventory.notebooks]
    return sum(len(cell.splitlines()) for book in cells for cell in book)


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
        f"{plural(len(measured), 'function')}: worst complexity {worst}, longest "
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
            return 0.1, f"notebook only: {plural(notebooks, 'notebook')}, no Python modules"
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
    for function in functions(source.tree):
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
