"""The check registry: ids are validated at registration, a crash becomes an error finding,
and every registered check documents itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks import REGISTRY, known_check_ids, run_checks
from harness.checks.context import CheckContext
from harness.checks.registry import RETIRED, Judgement, RegisteredCheck, check, graded
from tests.checks.contexts import make_context

CAREFUL = Path(__file__).resolve().parents[2] / "challenges/customer-churn/reference/careful"


def _judge(_context: CheckContext) -> Judgement:
    """A test check."""
    return graded(1.0, "fine")


@pytest.mark.parametrize("bad_id", ["Code.lint", "code", "code.lint.more", "code-lint", "9.x"])
def test_a_malformed_id_is_refused(bad_id: str) -> None:
    with pytest.raises(ValueError, match="does not match"):
        check(bad_id, dimension="code_quality", title="x")(_judge)


def test_an_id_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        check("code.lint", dimension="code_quality", title="again")(_judge)


def test_a_check_without_a_docstring_is_refused() -> None:
    def undocumented(_context: CheckContext) -> Judgement:
        return graded(1.0, "fine")

    with pytest.raises(ValueError, match="no docstring"):
        check("test.undocumented", dimension="code_quality", title="x")(undocumented)
    assert "test.undocumented" not in REGISTRY


def test_every_check_is_documented_and_no_retired_id_is_back() -> None:
    assert len(REGISTRY) >= 20
    for check_id, registered in REGISTRY.items():
        assert registered.doc.count("\n") >= 2, check_id
        assert "Why" in registered.doc or "why" in registered.doc, check_id
        assert registered.title
    assert not RETIRED & known_check_ids()


def test_a_check_that_crashes_becomes_an_error_finding_and_the_rest_run() -> None:
    def broken(_context: CheckContext) -> Judgement:
        """Raises."""
        raise RuntimeError("boom")

    crashing = RegisteredCheck("test.broken", "code_quality", "broken", broken)
    fine = RegisteredCheck("test.fine", "code_quality", "fine", _judge)
    findings = run_checks(make_context(CAREFUL), [crashing, fine])
    assert [f.check for f in findings] == ["test.broken", "test.fine"]
    error, ok = findings
    assert error.status == "error" and error.score is None
    assert "RuntimeError: boom" in error.message
    assert error.evidence[0].kind == "traceback"
    assert "boom" in (error.evidence[0].excerpt or "")
    assert ok.status == "pass" and ok.score == 1.0


def test_every_finding_of_a_real_submission_has_evidence() -> None:
    for finding in run_checks(make_context(CAREFUL, with_lint=True)):
        assert finding.evidence, finding.check
