"""Shared fixtures: a small synthetic churn data set built in memory."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

PAYMENT_METHODS = ["Credit card", "e-check", "bank_transfer", "Mailed check"]
CONTRACT_SPELLINGS = {
    "month-to-month": ["month-to-month", "Month to month", "M2M"],
    "one year": ["one year", "1 year", "12 months"],
    "two year": ["two year", "2 year", "Two year"],
}


def make_churn_frame(n_customers: int = 150, seed: int = 0) -> pd.DataFrame:
    """Synthetic training rows in the export's shape, including its leaky column."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        contract = rng.choice(list(CONTRACT_SPELLINGS))
        tenure = int(rng.integers(1, 72))
        tickets = int(rng.poisson(1.0))
        logit = 1.0 - 0.05 * tenure + 0.5 * tickets - 1.5 * (contract != "month-to-month")
        churned = int(rng.random() < 1 / (1 + np.exp(-logit)))
        rows.append(
            {
                "customer_id": f"C{i:04d}",
                "tenure_months": tenure if rng.random() > 0.05 else f"{tenure} months",
                "monthly_charges": np.nan if rng.random() < 0.1 else rng.normal(70, 15),
                "contract": rng.choice(CONTRACT_SPELLINGS[contract]),
                "payment_method": rng.choice(PAYMENT_METHODS),
                "support_tickets": tickets,
                "region": rng.choice(["north", "South", None]),
                "senior": int(rng.random() < 0.2),
                "retention_calls": int(rng.integers(1, 4)) * churned,
                "churned": churned,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def churn_frame() -> pd.DataFrame:
    """Training frame with labels."""
    return make_churn_frame()


@pytest.fixture
def scoring_frame(churn_frame: pd.DataFrame) -> pd.DataFrame:
    """Prediction input: customer_id + features, no label; retention calls as at scoring time."""
    frame = churn_frame.drop(columns="churned").head(25).reset_index(drop=True)
    frame["customer_id"] = [f"new-{i}" for i in range(len(frame))]
    frame["retention_calls"] = 0
    return frame
