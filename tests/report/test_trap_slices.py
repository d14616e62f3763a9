"""The slice table says what the slices mean for this trap: the comparison the trap is judged
by, or plain holdout detail where the trap is not judged by slices."""

from __future__ import annotations

from harness.models import Evidence, Finding, Metrics, Result, TrapVerdict
from harness.report import render_report
from harness.report.sections import SLICES_AS_DETAIL, slices_view
from harness.report.view import findings_by_check
from tests.report.sample import sample_result

WRONG_MEANING = "clearly worse on the second"


def pump_like(result: Result) -> Result:
    """A result whose trap is judged by its estimate and code: `trap.behaviour` skipped,
    while the holdout still has two slices every model scores apart."""
    skipped = Finding(
        check="trap.behaviour",
        dimension="data_judgment",
        status="skipped",
        message="this challenge's trap does not show in holdout behaviour; the estimate and "
        "the code decide",
        evidence=(Evidence(kind="text", excerpt="no slice or probe evidence is calibrated"),),
    )
    findings = tuple(skipped if f.check == "trap.behaviour" else f for f in result.findings)
    metrics = result.metrics.model_copy(update={"slices": {"new_pumps": 0.73, "seen_pumps": 0.9}})
    return result.model_copy(update={"findings": findings, "metrics": metrics})


def test_slices_the_trap_is_not_judged_by_are_shown_as_detail() -> None:
    result = pump_like(sample_result("handled", with_followup=False))
    view = slices_view(result, findings_by_check(result))
    assert view is not None
    assert view.heading == "Holdout score by slice" and view.explain == SLICES_AS_DETAIL
    assert view.rows == (("new pumps", "0.730"), ("seen pumps", "0.900"))
    html = render_report(result)
    assert WRONG_MEANING not in html and "leans on the trap scores clearly worse" not in html
    assert "This trap is not judged by these groups" in html


def test_slices_the_trap_is_judged_by_say_which_comparison() -> None:
    verdicts: tuple[tuple[TrapVerdict, str], ...] = (
        ("handled", "gap +0.020"),
        ("missed", "gap +0.410"),
    )
    for verdict, gap in verdicts:
        result = sample_result(verdict, with_followup=False)
        view = slices_view(result, findings_by_check(result))
        assert view is not None and view.heading == "Holdout slices"
        assert "What we compared: balanced_accuracy" in view.explain and gap in view.explain
        assert "on ordinary" in view.explain and "on scoring_time" in view.explain
        assert WRONG_MEANING not in render_report(result)


def test_no_slices_scored_no_table() -> None:
    result = sample_result("missed", with_followup=False)
    result = result.model_copy(update={"metrics": Metrics(metric="roc_auc")})
    assert slices_view(result, findings_by_check(result)) is None
    assert '<table class="slices">' not in render_report(result)
