"""`comms.claims` judges optimism and pessimism apart, and a headline figure the run
contradicts weighs in the communication dimension of every bundled rubric: a polished
write-up with a wrong number ranks below a short honest one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.challenges.catalog import load_catalog
from harness.checks import REGISTRY, known_check_ids
from harness.checks.comms_claims import find_claims
from harness.checks.context import CheckContext
from harness.models import Finding
from harness.rubric import load_rubric
from harness.scoring import score_dimensions
from tests.checks.cases import CHALLENGES, write_submission
from tests.checks.contexts import make_context

COMMUNICATION = ("comms.structure", "comms.length", "comms.claims")
METRIC = {"customer-churn": "roc_auc", "equipment-resale": "mae", "pump-failure": "roc_auc"}
SHOWN = {"roc_auc": "ROC AUC", "mae": "MAE"}


def contract(challenge: str, metric: str, value: float) -> str:
    return f"""\
[submission]
challenge = "{challenge}"

[commands]
train   = "python train.py --data {{data}} --out {{artifacts}}"
predict = "python predict.py --model {{artifacts}} --input {{input}} --output {{output}}"

[estimate]
metric = "{metric}"
value  = {value}
method = "5-fold cross-validation"
"""


def graded(
    root: Path, challenge: str, claimed: float, measured: float, writeup: str | None = None
) -> CheckContext:
    """A submission whose estimate and write-up claim `claimed`, measured at `measured`."""
    metric = METRIC[challenge]
    text = writeup or f"# Model\n\n## Results\n\nThe {SHOWN[metric]} is {claimed:g} on new rows.\n"
    files = {"assessment.toml": contract(challenge, metric, claimed), "README.md": text}
    context = make_context(write_submission(root, files))
    context.__dict__["holdout_score"] = measured  # what the harness measured
    return context


def claims(context: CheckContext) -> Finding:
    return REGISTRY["comms.claims"].run(context)


def score(found: Finding) -> float:
    assert found.score is not None, found.message
    return found.score


def test_a_modestly_pessimistic_mae_is_prudence_not_a_fault(tmp_path: Path) -> None:
    found = claims(graded(tmp_path, "equipment-resale", claimed=90, measured=64))
    assert found.status == "pass" and score(found) == 1.0, found.message
    assert "pessimistic by 26" in found.message and "within" in found.message


def test_a_wildly_optimistic_auc_is_punished(tmp_path: Path) -> None:
    found = claims(graded(tmp_path, "customer-churn", claimed=0.95, measured=0.68))
    assert found.status == "fail" and score(found) <= 0.15, found.message
    assert "the claim is optimistic by 0.27" in found.message


def test_the_examples_of_the_issue_are_not_punished_alike(tmp_path: Path) -> None:
    pessimistic = claims(graded(tmp_path / "a", "equipment-resale", claimed=90, measured=64))
    optimistic = claims(graded(tmp_path / "b", "customer-churn", claimed=0.95, measured=0.68))
    assert score(pessimistic) - score(optimistic) >= 0.8


@pytest.mark.parametrize(
    ("challenge", "measured", "gap"),
    [("customer-churn", 0.68, 0.12), ("customer-churn", 0.68, 0.2),
     ("equipment-resale", 64.0, 30.0), ("equipment-resale", 64.0, 50.0)],
)  # fmt: skip
def test_the_same_gap_costs_more_when_optimistic(
    tmp_path: Path, challenge: str, measured: float, gap: float
) -> None:
    better = -gap if METRIC[challenge] == "mae" else gap
    optimistic = claims(graded(tmp_path / "o", challenge, measured + better, measured))
    pessimistic = claims(graded(tmp_path / "p", challenge, measured - better, measured))
    assert "optimistic" in optimistic.message and "pessimistic" in pessimistic.message
    assert score(pessimistic) >= score(optimistic) + 0.25, (pessimistic.message, optimistic.message)


@pytest.mark.parametrize(
    ("challenge", "claimed", "measured", "expected", "said"),
    [
        ("customer-churn", 0.60, 0.68, 1.0, "within"),  # 0.08 under: inside 0.1
        ("customer-churn", 0.52, 0.68, 0.7, "past"),  # 0.16 under: up to twice the tolerance
        ("customer-churn", 0.30, 0.68, 0.4, "past"),  # far under: mild, never the floor
        ("equipment-resale", 120.0, 64.0, 0.7, "past"),  # (120 - 64) / 120 = 0.47
        ("equipment-resale", 400.0, 64.0, 0.4, "past"),
    ],
)
def test_pessimism_within_the_tolerance_is_free_and_past_it_mild(
    tmp_path: Path, challenge: str, claimed: float, measured: float, expected: float, said: str
) -> None:
    found = claims(graded(tmp_path, challenge, claimed, measured))
    assert score(found) == pytest.approx(expected), found.message
    assert f"the claim is pessimistic by {abs(claimed - measured):.3g}, {said}" in found.message


def test_a_close_claim_is_consistent_either_side(tmp_path: Path) -> None:
    for name, claimed in (("over", 0.71), ("under", 0.65)):
        found = claims(graded(tmp_path / name, "customer-churn", claimed, 0.68))
        assert score(found) == 1.0 and "(consistent)" in found.message


# --- communication: a polished write-up with a wrong number against a short honest one -------

POLISHED_PARAGRAPHS = {
    "Approach": (
        "We built a model that ranks each case by how likely the outcome is. "
        "The data was cleaned first, with odd spellings unified and broken values set aside. "
        "Each step of the cleaning lives in one small function with its own test. "
        "We compared a simple model with a larger one and kept the one that did better. "
        "The whole run takes under a minute on a laptop. "
    ),
    "Assumptions": (
        "We assumed the training rows look like the rows the model will see next quarter. "
        "We assumed the labels are correct and complete for every row we used. "
        "We assumed that nothing in the brief asks for a decision threshold yet. "
        "These assumptions are the first things to check with the data owners. "
    ),
    "Results": (
        "The model does very well on the rows we held back. "
        "{claim} "
        "That is far better than guessing, and it holds across every fold we tried. "
        "We are confident it will do as well on new data. "
    ),
    "Deployment": (
        "The model runs behind a small web service with a health check. "
        "Bad requests get a clear error instead of a crash. "
        "We would watch the share of positive predictions each week and the input ranges. "
        "A rollback is one command that points the service at the previous saved model. "
    ),
    "Limitations": (
        "The model has not seen data from other regions. "
        "Rare cases are few, so their predictions are less sure. "
        "A fresh look at the features would be worth it after a few months in use. "
    ),
}


def polished(claim: str) -> str:
    """About 500 words under the five headings a reader expects, in plain words."""
    parts = ["# A model the team can use\n"]
    for heading, paragraph in POLISHED_PARAGRAPHS.items():
        body = paragraph.format(claim=claim)
        parts.append(f"## {heading}\n\n{body}\n\n{body.replace(claim, '').strip()}\n")
    return "\n".join(parts)


def honest(claim: str) -> str:
    return f"# Model\n\n## Results\n\n{claim} It is a modest model, tested once.\n"


def communication(context: CheckContext, challenge: str) -> float:
    rubric = load_rubric(load_catalog().get(challenge).rubric_path, known_check_ids())
    found = [REGISTRY[check].run(context) for check in COMMUNICATION]
    value = score_dimensions(rubric, found)["communication"].score
    assert value is not None
    return value


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_the_short_honest_writeup_outranks_the_polished_wrong_one(
    tmp_path: Path, challenge: str
) -> None:
    metric = METRIC[challenge]
    measured, wrong, right = (64.0, 30.0, 66.0) if metric == "mae" else (0.68, 0.95, 0.70)
    sentence = "On held-out rows the {name} was {value:g}."
    wrong_text = polished(sentence.format(name=SHOWN[metric], value=wrong))
    right_text = honest(sentence.format(name=SHOWN[metric], value=right))
    glossy = graded(tmp_path / "polished", challenge, wrong, measured, wrong_text)
    plain = graded(tmp_path / "honest", challenge, right, measured, right_text)
    structure = REGISTRY["comms.structure"].run(glossy)
    assert structure.score == 1.0, structure.message  # the polish is real
    assert score(REGISTRY["comms.length"].run(glossy)) > score(REGISTRY["comms.length"].run(plain))
    assert "optimistic" in claims(glossy).message and score(claims(plain)) == 1.0
    ahead, behind = communication(plain, challenge), communication(glossy, challenge)
    assert ahead > behind + 0.1, (ahead, behind)


# --- reading the claim a plain write-up makes -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The price is off by about $50 on average.", 50.0),
        ("It predicts the sale price to within $19 on average.", 19.0),
        ("The error is about $64 on average.", 64.0),
        ("Fold errors of $46-72 (mean absolute error).", 72.0),
        ("An average error of $58 per listing.", 58.0),
    ],
)
def test_plain_words_for_the_mean_absolute_error_are_claims(text: str, value: float) -> None:
    assert [(c.metric, c.value) for c in find_claims(text, ["mae"])][:1] == [("mae", value)]


@pytest.mark.parametrize(
    "text",
    [
        "Trained on 1,400 listings, MAE was not measured.",
        "We used 5-fold MAE as the score.",
        "Off by one errors in the parser were fixed.",
    ],
)
def test_counts_near_the_name_are_not_claims(text: str) -> None:
    assert list(find_claims(text, ["mae"])) == []


def test_a_number_right_before_a_bounded_metric_is_read() -> None:
    found = list(find_claims("We reach 0.81 AUC on new customers.", ["roc_auc"]))
    assert [(c.metric, c.value) for c in found] == [("roc_auc", 0.81)]
