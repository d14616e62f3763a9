"""Shared fixtures: a small synthetic churn data set built in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

PAYMENT_METHODS = ["credit card", "Electronic check", "bank transfer"]
CONTRACT_SPELLINGS = {
    "month-to-month": ["month-to-month", "Month-to-month", " month to month "],
    "one year": ["one year", "1 year", "One Year"],
    "two year": ["two year", "2 years", "Two year"],
}


def make_churn_frame(n_customers: int = 60, seed: int = 0) -> pd.DataFrame:
    """Synthetic training rows; customers repeat and some charges are missing."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        contract = rng.choice(list(CONTRACT_SPELLINGS))
        for _ in range(int(rng.integers(1, 4))):
            tenure = int(rng.integers(1, 72))
            tickets = int(rng.poisson(1.0))
            logit = 1.0 - 0.05 * tenure + 0.5 * tickets - 1.5 * (contract != "month-to-month")
            rows.append(
                {
                    "customer_id": f"C{i:04d}",
                    "tenure_months": tenure,
                    "monthly_charges": np.nan if rng.random() < 0.1 else rng.normal(70, 15),
                    "contract": rng.choice(CONTRACT_SPELLINGS[contract]),
                    "payment_method": rng.choice(PAYMENT_METHODS),
                    "support_tickets": tickets,
                    "region": rng.choice(["north", "south", None]),
                    "unused_column": "ignore me",
                    "churned": int(rng.random() < 1 / (1 + np.exp(-logit))),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def churn_frame() -> pd.DataFrame:
    """Training frame with labels."""
    return make_churn_frame()


@pytest.fixture
def scoring_frame(churn_frame: pd.DataFrame) -> pd.DataFrame:
    """Prediction input: row_id + features, no label."""
    frame = churn_frame.drop(columns="churned").head(25).reset_index(drop=True)
    frame.insert(0, "row_id", [f"row-{i}" for i in range(len(frame))])
    return frame
