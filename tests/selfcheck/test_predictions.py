"""The predictions' format against the contract: every problem named, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.challenges.model import Challenge, load_challenge
from harness.selfcheck.predictions import check_predictions
from tests.selfcheck.conftest import CHALLENGES

CHURN_FEATURES = "customer_id,tenure_months\na,1\nb,2\nc,3\n"
RESALE_FEATURES = "listing_id,age_months\nx,1\ny,2\n"


def challenge(challenge_id: str) -> Challenge:
    return load_challenge(CHALLENGES / challenge_id)


def checked(tmp_path: Path, challenge_id: str, predictions: str | None) -> tuple[str, str]:
    features = tmp_path / "features.csv"
    features.write_text(CHURN_FEATURES if challenge_id == "customer-churn" else RESALE_FEATURES)
    path = tmp_path / "predictions.csv"
    if predictions is not None:
        path.write_text(predictions)
    item = check_predictions(path, features, challenge(challenge_id))
    assert item.name == "predictions" and "\n" not in item.message
    return item.status, item.message


@pytest.mark.parametrize(
    ("challenge_id", "predictions", "says"),
    [
        ("customer-churn", "customer_id,prediction,probability\na,1,0.9\nb,0,0.1\nc,1.0,0.5\n",
         "3 rows, one per input id; prediction in {0, 1}; probability in [0, 1]"),
        ("equipment-resale", "listing_id,prediction\nx,120.5\ny,99\n",
         "2 rows, one per input id; prediction a finite number"),
    ],
)  # fmt: skip
def test_well_formed_predictions_pass(
    tmp_path: Path, challenge_id: str, predictions: str, says: str
) -> None:
    assert checked(tmp_path, challenge_id, predictions) == ("pass", says)


@pytest.mark.parametrize(
    ("challenge_id", "predictions", "says"),
    [
        ("customer-churn", None, "predict wrote no predictions file"),
        ("customer-churn", "", "not a readable CSV"),
        ("customer-churn", "id,prediction,probability\na,1,0.9\n",
         "no column customer_id (it has id, prediction, probability): the header must be "
         "customer_id,prediction,probability"),
        ("customer-churn", "customer_id,prediction,score\na,1,0.9\nb,0,0.1\nc,1,0.5\n",
         "no column probability"),
        ("customer-churn", "customer_id,prediction,probability\na,,0.9\nb,0,0.1\n",
         "1 of the 3 input ids without a prediction ('c'): write one row per input row; "
         "1 row without a prediction (blank or NaN)"),
        ("customer-churn", "customer_id,prediction,probability\na,1,.9\na,1,.9\nb,0,.1\nc,1,.5\n"
         "zz,1,.5\n", "1 id more than once ('a'); 1 id not in the input ('zz')"),
        ("customer-churn", "customer_id,prediction,probability\na,yes,.9\nb,no,.1\nc,1,.5\n",
         "prediction holds 'yes', 'no', not one of the labels 0, 1"),
        ("customer-churn", "customer_id,prediction,probability\na,1,90\nb,0,10\nc,1,NaN\n",
         "1 row with non-finite values (inf, -inf or nan), left out of every measure: 'c'"),
        ("customer-churn", "customer_id,prediction,probability\na,1,90\nb,0,10\nc,1,0.5\n",
         "2 probabilities outside [0, 1] (e.g. 90): give the probability of the positive label"),
        ("equipment-resale", "listing_id,prediction\nx,cheap\ny,inf\n",
         "1 row with non-finite values (inf, -inf or nan), left out of every measure: 'y': "
         "write finite numbers; 1 prediction not a number ('cheap')"),
        ("customer-churn", "customer_id,prediction,probability\na,1,.9\nb,0,\nc,1,.5\n",
         "1 probability blank or not a number ('')"),
    ],
)  # fmt: skip
def test_each_problem_is_named(
    tmp_path: Path, challenge_id: str, predictions: str | None, says: str
) -> None:
    status, message = checked(tmp_path, challenge_id, predictions)
    assert status == "fail"
    assert says in message
