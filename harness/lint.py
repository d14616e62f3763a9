"""Lint of a submission's Python: ruff run as a program over its folder, counted by family.

ruff runs with `--isolated`, so a submission's own configuration cannot switch rules off,
and with the same rule set for every submission, so counts compare across a cohort. The
code is read, never run.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.process import run_program

RULES = ("E", "F", "W", "B", "SIM", "UP", "N", "C90", "PTH", "S")
"""pycodestyle, pyflakes, bugbear, simplify, pyupgrade, naming, complexity, pathlib, bandit."""
EXCLUDED = (".venv", "venv", "site-packages", "node_modules", ".ipynb_checkpoints")
LINE_LENGTH = 100
RUFF_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class LintIssue:
    """One ruff finding: the rule, where, and what it says."""

    code: str
    path: str
    line: int
    message: str


@dataclass(frozen=True)
class LintSummary:
    """What ruff found, by rule family; `error` says why there are no numbers."""

    issues: tuple[LintIssue, ...] = ()
    python_lines: int = 0
    error: str | None = None
    by_family: dict[str, int] = field(default_factory=dict)

    @property
    def per_100_lines(self) -> float | None:
        """Findings per 100 lines of Python (None without Python or without a run)."""
        if self.error is not None or self.python_lines == 0:
            return None
        return round(100 * len(self.issues) / self.python_lines, 2)


def lint(root: Path, python_lines: int) -> LintSummary:
    """Run ruff over every `.py` and `.ipynb` under `root`."""
    argv = [
        _ruff(), "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero",
        f"--line-length={LINE_LENGTH}", "--select", ",".join(RULES),
        "--extend-exclude", ",".join(EXCLUDED), ".",
    ]  # fmt: skip
    done = run_program(argv, cwd=root, timeout_s=RUFF_TIMEOUT_S)
    if done.timed_out:
        return LintSummary(python_lines=python_lines, error=f"ruff ran over {RUFF_TIMEOUT_S:g} s")
    try:
        raw = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return LintSummary(python_lines=python_lines, error=f"ruff failed: {last}")
    issues = tuple(sorted((_issue(item, root) for item in raw), key=_order))
    families = Counter(family(issue.code) for issue in issues)
    return LintSummary(issues, python_lines, None, dict(sorted(families.items())))


def family(code: str) -> str:
    """The rule family of a code: `E501` -> `E`, `SIM108` -> `SIM`, `C901` -> `C90`."""
    letters = code.rstrip("0123456789")
    return "C90" if letters == "C" else letters


def _issue(item: dict[str, Any], root: Path) -> LintIssue:
    path = Path(str(item.get("filename", "")))
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.name
    location = item.get("location") or {}
    return LintIssue(
        code=str(item.get("code") or "syntax"),
        path=relative,
        line=int(location.get("row") or 0),
        message=" ".join(str(item.get("message", "")).split())[:200],
    )


def _order(issue: LintIssue) -> tuple[str, int, str]:
    return issue.path, issue.line, issue.code


def _ruff() -> str:
    """The ruff binary installed beside this Python (a dependency of grade)."""
    beside = Path(sys.executable).with_name("ruff")
    if beside.is_file():
        return str(beside)
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())
