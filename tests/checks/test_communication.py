"""Communication checks: the references, data-driven cases, and the claim reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.comms_claims import find_claims
from harness.checks.communication import section_labels, sentences
from harness.checks.registry import REGISTRY
from harness.models import Finding
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

IDS = ("comms.structure", "comms.length", "comms.claims")


def test_every_check_is_registered_with_its_documentation() -> None:
    for check_id in IDS:
        registered = REGISTRY[check_id]
        assert registered.dimension == "communication"
        assert "Why it matters" in registered.doc and "Evidence" in registered.doc


@pytest.mark.parametrize("case", cases("comms."), ids=lambda case: case.name)
def test_case(case: Case, tmp_path: Path) -> None:
    assert_case(case, REGISTRY[case.check].run(case_context(case, tmp_path)))


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_the_careful_reference_scores_at_least_the_naive(challenge: str) -> None:
    careful = {i: REGISTRY[i].run(reference_context(challenge, "careful")) for i in IDS}
    naive = {i: REGISTRY[i].run(reference_context(challenge, "naive")) for i in IDS}
    for check_id in IDS:
        assert careful[check_id].evidence and naive[check_id].evidence, check_id
        assert careful[check_id].status == "pass", (check_id, careful[check_id].message)
        ahead, behind = careful[check_id].score, naive[check_id].score
        assert ahead is not None and behind is not None and ahead >= behind, check_id


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_the_naive_claims_fail_against_the_recorded_holdout(challenge: str) -> None:
    """Where the references' holdout scores are recorded, the naive write-up's promise is
    caught; the careful one's matches."""
    careful = REGISTRY["comms.claims"].run(reference_context(challenge, "careful"))
    naive = REGISTRY["comms.claims"].run(reference_context(challenge, "naive"))
    assert careful.status == "pass" and "(consistent)" in careful.message
    assert naive.status == "fail" and "the claim is optimistic" in naive.message
    assert _holdout(naive) is not None


def _holdout(finding: Finding) -> float | None:
    values = [e.value for e in finding.evidence if e.excerpt and "on the holdout" in e.excerpt]
    return float(values[0]) if values and values[0] is not None else None


def test_without_a_holdout_score_only_the_estimate_is_judged_and_said() -> None:
    root = reference_context("pump-failure", "naive").root
    found = REGISTRY["comms.claims"].run(make_context(root))  # no predictions, no score
    assert "the holdout score is unknown" in found.message
    assert "claims ROC AUC 0.95" in found.message


# --- reading the write-up -------------------------------------------------------------------


def test_sentences_skip_headings_tables_and_code() -> None:
    text = (
        "# Title\n\nFirst sentence. Second `code` one.\n\n| a | b |\n| --- | --- |\n"
        "| 1 | 2 |\n\n```\nprint('x')\n```\n- a list item\n"
    )
    assert sentences(text) == ["First sentence.", "Second CODE one.", "a list item"]


def test_section_labels_leave_out_the_title_and_numbered_labels() -> None:
    text = "# Churn model\n\n## Approach\n\n- **Serving**: an API.\n- **MAE: $58**\n"
    assert section_labels(text) == ["Approach", "Serving"]


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("Estimated ROC AUC ≈ 0.80 (5-fold CV).", "roc_auc", 0.80),
        ("5-fold stratified cross-validation: ROC AUC 0.947 (+/- 0.010).", "roc_auc", 0.947),
        ("An AUC of 81% on new customers.", "roc_auc", 0.81),
        ("Mean absolute error: about $1,053 per listing.", "mae", 1053.0),
        ("R²: 0.909 on the folds.", "r2", 0.909),
        ("Balanced accuracy 0.71 at the 0.5 cut-off.", "balanced_accuracy", 0.71),
    ],
)
def test_claims_are_read_next_to_the_metric_name(text: str, metric: str, value: float) -> None:
    found = list(find_claims(text, ["roc_auc", "balanced_accuracy", "mae", "r2"]))
    assert [(c.metric, c.value) for c in found][:1] == [(metric, value)]


def test_fold_counts_and_out_of_range_numbers_are_not_claims() -> None:
    found = list(find_claims("ROC AUC on 5-fold CV, 1,400 customers.", ["roc_auc"]))
    assert found == []


def test_a_table_with_the_metric_as_row_label() -> None:
    text = "| metric | value |\n| --- | --- |\n| ROC AUC | 0.78 |\n| Balanced accuracy | 0.7 |\n"
    found = {(c.metric, c.value) for c in find_claims(text, ["roc_auc", "balanced_accuracy"])}
    assert found == {("roc_auc", 0.78), ("balanced_accuracy", 0.7)}


def test_a_long_log_of_experiments_is_too_long(tmp_path: Path) -> None:
    entry = "Tried another model with slightly different settings and it was a bit worse. "
    write_submission(tmp_path, {"README.md": "# Log\n\n" + entry * 500})
    found = REGISTRY["comms.length"].run(make_context(tmp_path))
    assert "long for a product manager" in found.message
    assert found.score is not None and found.score < 0.6


def test_numbered_list_items_are_sentences_of_their_own() -> None:
    assert sentences("9. nine\n10. ten\n") == ["nine", "ten"]
