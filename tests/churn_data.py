"""A small synthetic churn dataset in the shape the bundled example expects, for end-to-end
sandbox tests (the real challenges and their generators come separately)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CONTRACTS = ["month-to-month", "Month-to-month", "one year", "1 year", "two year"]
PAYMENTS = ["card", "bank transfer", "check"]
REGIONS = ["north", "south", "east", "west"]


def _frame(rng: np.random.Generator, rows: int, customers: int) -> pd.DataFrame:
    customer = rng.integers(0, customers, rows)
    tenure = rng.integers(1, 72, rows)
    charges = rng.normal(60, 20, rows).round(2)
    charges[rng.random(rows) < 0.05] = np.nan
    contract = rng.choice(CONTRACTS, rows)
    tickets = rng.poisson(1.5, rows)
    logit = (
        -1
        + 0.6 * tickets
        - 0.03 * tenure
        + np.char.startswith(contract.astype(str).astype("U"), "m") * 1.2
    )
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "customer_id": [f"c{n:04d}" for n in customer],
            "tenure_months": tenure,
            "monthly_charges": charges,
            "contract": contract,
            "payment_method": rng.choice(PAYMENTS, rows),
            "support_tickets": tickets,
            "region": rng.choice(REGIONS, rows),
            "churned": churned,
        }
    )


def write_churn_data(folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """`folder/public/train.csv` and `folder/features.csv` (with `row_id`, no label)."""
    rng = np.random.default_rng(seed)
    public = folder / "public"
    public.mkdir(parents=True, exist_ok=True)
    _frame(rng, 600, 200).to_csv(public / "train.csv", index=False)
    holdout = _frame(rng, 120, 60).drop(columns=["churned", "customer_id"])
    holdout.insert(0, "row_id", [f"r{n:05d}" for n in rng.permutation(len(holdout))])
    holdout.to_csv(folder / "features.csv", index=False)
    return public, folder / "features.csv"
