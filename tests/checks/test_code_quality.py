"""Code quality checks: the references, data-driven cases, and focused cases built here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.checks import code_quality
from harness.checks.registry import REGISTRY
from harness.lint import LintIssue, LintSummary
from harness.models import Finding
from harness.sandbox import stages
from tests.checks.cases import (
    CHALLENGES,
    Case,
    assert_case,
    case_context,
    cases,
    reference_context,
    write_submission,
)
from tests.checks.contexts import make_context

IDS = ("code.lint", "code.complexity", "code.structure", "code.typing", "code.tests",
       "code.notebooks", "code.hygiene")  # fmt: skip
NOTEBOOK_MESS = Path(__file__).parents[1] / "data" / "submissions" / "notebook-mess"


def run(check_id: str, root: Path, **overrides: Any) -> Finding:
    return REGISTRY[check_id].run(make_context(root, **overrides))


def test_every_check_is_registered_with_its_documentation() -> None:
    for check_id in IDS:
        registered = REGISTRY[check_id]
        assert registered.dimension == "code_quality"
        assert "Why it matters" in registered.doc and "Evidence" in registered.doc
    assert code_quality.__name__ in REGISTRY["code.lint"].function.__module__


@pytest.mark.parametrize("case", cases("code."), ids=lambda case: case.name)
def test_case(case: Case, tmp_path: Path) -> None:
    assert_case(case, REGISTRY[case.check].run(case_context(case, tmp_path)))


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_the_careful_reference_scores_higher_than_the_naive(challenge: str) -> None:
    careful = {i: REGISTRY[i].run(reference_context(challenge, "careful")) for i in IDS}
    naive = {i: REGISTRY[i].run(reference_context(challenge, "naive")) for i in IDS}
    for check_id in IDS:
        assert careful[check_id].evidence and naive[check_id].evidence, check_id
        if careful[check_id].score is not None and naive[check_id].score is not None:
            assert careful[check_id].score >= naive[check_id].score, check_id  # type: ignore[operator]
    assert _mean(careful) > _mean(naive) + 0.1


def _mean(findings: dict[str, Finding]) -> float:
    scores = [f.score for f in findings.values() if f.score is not None]
    return sum(scores) / len(scores)


def test_the_notebook_mess_scores_low_with_evidence(tmp_path: Path) -> None:
    root = tmp_path / "mess"
    shutil.copytree(NOTEBOOK_MESS, root, ignore=shutil.ignore_patterns(".venv"))
    write_submission(root, {})
    context = make_context(root, with_lint=True, tests=stages.TestCounts(3, 0, 0, 0))
    found = {i: REGISTRY[i].run(context) for i in IDS}
    assert all(f.evidence for f in found.values())
    assert found["code.notebooks"].status == "fail"
    assert "run out of order" in found["code.notebooks"].message
    assert found["code.tests"].score is not None and found["code.tests"].score <= 0.3
    lint_excerpts = [e.excerpt or "" for e in found["code.lint"].evidence if e.kind == "text"]
    assert any("of a cell" in text for text in lint_excerpts)  # notebook findings as text


# --- code.lint ------------------------------------------------------------------------------


def test_lint_that_could_not_run_is_skipped_with_the_reason(tmp_path: Path) -> None:
    write_submission(tmp_path, {"train.py": "x = 1\n"})
    found = run("code.lint", tmp_path, lint=LintSummary(error="ruff ran over 120 s"))
    assert found.status == "skipped" and "120 s" in found.message
    assert found.evidence


def test_lint_density_falls_with_weighted_findings(tmp_path: Path) -> None:
    write_submission(tmp_path, {"train.py": "import os\n" * 10})
    issue = LintIssue("F401", "train.py", 1, "`os` imported but unused")
    few = run("code.lint", tmp_path, lint=LintSummary((issue,), python_lines=100))
    many = run("code.lint", tmp_path, lint=LintSummary((issue,) * 20, python_lines=100))
    style = LintIssue("E501", "train.py", 1, "Line too long")
    styled = run("code.lint", tmp_path, lint=LintSummary((style,) * 20, python_lines=100))
    assert few.score is not None and many.score is not None and styled.score is not None
    assert few.score > styled.score > many.score
    assert "20.0 findings per 100 lines, mostly pyflakes (F)" in many.message
    snippet = next(e for e in many.evidence if e.kind == "code")
    assert snippet.path == "train.py" and snippet.value == "F401: `os` imported but unused"


# --- code.structure, code.typing, code.complexity -------------------------------------------


def test_a_long_single_script_scores_below_a_package(tmp_path: Path) -> None:
    script = "\n".join(f"value_{n} = {n}" for n in range(320)) + "\n"
    flat = write_submission(tmp_path / "flat", {"main.py": script})
    package = write_submission(
        tmp_path / "pkg",
        {"model/__init__.py": "", "model/train.py": "x = 1\n", "model/serve.py": "y = 2\n"},
    )
    long_script = run("code.structure", flat)
    packaged = run("code.structure", package)
    assert long_script.message == "one long script of 320 lines" and long_script.score == 0.2
    assert packaged.message == "a package of 2 modules" and packaged.score == 1.0


def test_typing_ignores_test_code_and_skips_without_functions(tmp_path: Path) -> None:
    write_submission(
        tmp_path, {"run.py": "print(1)\n", "tests/test_run.py": "def test_x(a): pass\n"}
    )
    found = run("code.typing", tmp_path)
    assert found.status == "skipped" and found.evidence


def test_complexity_shows_the_worst_function_with_its_lines(tmp_path: Path) -> None:
    body = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(12))
    source = f"def branchy(x: int) -> int:\n{body}    return -1\n"
    write_submission(tmp_path, {"rules.py": source})
    found = run("code.complexity", tmp_path)
    shown = next(e for e in found.evidence if e.kind == "code")
    assert shown.path == "rules.py" and shown.lines == (1, 26)
    assert "branchy: complexity 13" in str(shown.value)


# --- code.tests -----------------------------------------------------------------------------


def test_failing_tests_score_below_passing_ones() -> None:
    context = reference_context("customer-churn", "careful")
    passing = REGISTRY["code.tests"].run(context)
    broken = make_context(context.root, tests=stages.TestCounts(8, 6, 1, 0))
    failing = REGISTRY["code.tests"].run(broken)
    assert passing.score is not None and failing.score is not None
    assert failing.score < passing.score - 0.25
    assert "1 passed, 6 failed, 1 errors" in failing.message


def test_a_test_stage_without_junit_counts_by_its_exit_code() -> None:
    root = reference_context("pump-failure", "naive").root
    found = run("code.tests", root)  # every stage ok, no JUnit counts
    assert "the test command passed (no JUnit report)" in found.message


# --- code.notebooks, code.hygiene -----------------------------------------------------------


def test_no_notebooks_is_skipped_not_zero(tmp_path: Path) -> None:
    write_submission(tmp_path, {"train.py": "x = 1\n"})
    found = run("code.notebooks", tmp_path)
    assert found.status == "skipped" and found.score is None and found.evidence


def test_an_unreadable_notebook_scores_zero(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
            "source": ["x = 1"]}  # fmt: skip
    good = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write_submission(tmp_path, {"a.py": "x = 1\n", "good.ipynb": good, "bad.ipynb": "{nope"})
    found = run("code.notebooks", tmp_path)
    assert found.score == 0.5
    assert any("unreadable" in (e.excerpt or "") for e in found.evidence)


def test_no_requirements_file_is_not_penalised(tmp_path: Path) -> None:
    write_submission(tmp_path, {"train.py": "x = 1\n"})
    found = run("code.hygiene", tmp_path)
    assert found.score == 1.0 and "no requirements file" in found.message


ODD_SUBMISSIONS: dict[str, dict[str, str]] = {
    "empty": {},
    "syntax errors": {"train.py": "def oops(:\n", "tests/test_x.py": "def test(:\n"},
    "notebook with outputs, no counts": {
        "a.ipynb": json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "execution_count": None,
                        "metadata": {},
                        "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
                        "source": "print(1)",
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
    },
    "only a broken notebook": {"broken.ipynb": '{"cells": ['},
    "odd write-up and Dockerfile": {
        "README.md": "|\n| --- |\n|\n**\n# \n```\nunclosed",
        "Dockerfile": "\\\nFROM\nUSER\nENV\nARG =\nHEALTHCHECK\n",
    },
}


@pytest.mark.parametrize("name", ODD_SUBMISSIONS)
def test_no_check_crashes_on_odd_submissions(name: str, tmp_path: Path) -> None:
    root = write_submission(tmp_path, ODD_SUBMISSIONS[name])
    (root / "binary.py").write_bytes(b"\xff\xfe\x00garbage")
    context = make_context(root, with_lint=True)
    mine = [r for r in REGISTRY.values() if r.id.split(".")[0] in ("code", "deploy", "comms")]
    for registered in mine:
        found = registered.run(context)
        assert found.status != "error", (registered.id, found.message)
        assert found.evidence, registered.id
