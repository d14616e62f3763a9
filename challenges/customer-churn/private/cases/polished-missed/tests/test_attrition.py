from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from attrition.model import make_pipeline, score_frame
from attrition.schema import SCHEMA, normalise


def _frame(n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame({
        "customer_id": [f"k{i}" for i in range(n)],
        "tenure_months": rng.integers(1, 60, n).astype(str),
        "monthly_charges": rng.normal(65, 10, n),
        "support_tickets": rng.poisson(1, n),
        "senior": rng.integers(0, 2, n),
        "retention_calls": rng.integers(0, 3, n),
        "contract": rng.choice(["M2M", "1 year", "Two year"], n),
        "payment_method": rng.choice(["CARD", "e-check"], n),
        "region": rng.choice(["North", None], n),
    })


def test_normalise_unifies_spellings() -> None:
    out = normalise(pd.DataFrame(_frame().head(3)).assign(contract=["M2M", "12 months", "2 year"]))
    assert out["contract"].tolist() == ["month-to-month", "one year", "two year"]


def test_normalise_rejects_missing_columns() -> None:
    with pytest.raises(ValueError, match="region"):
        normalise(_frame().drop(columns="region"))


def test_scores_are_probabilities() -> None:
    frame = _frame()
    labels = (frame["retention_calls"] > 0).astype(int)
    pipeline = make_pipeline().fit(normalise(frame), labels)
    scores = score_frame(pipeline, frame)
    assert list(scores.columns) == ["customer_id", "prediction", "probability"]
    assert scores["probability"].between(0, 1).all()
    assert len(SCHEMA.columns) == 8
