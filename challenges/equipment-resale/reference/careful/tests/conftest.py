"""Shared fixtures: a small synthetic listings export built in memory (no data files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

CATEGORIES = {"power tools": 400.0, "medical": 2500.0, "fitness": 1200.0, "hand tools": 45.0}
CONDITIONS = {"like new": 0.9, "good": 0.75, "fair": 0.55}
SOURCES = ["marketplace", "auction", "dealer_feed"]


def make_listings(n_rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """Listings whose resale price is a share of the list price; dealer_feed prices in cents."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_rows):
        category = str(rng.choice(list(CATEGORIES)))
        condition = str(rng.choice(list(CONDITIONS)))
        source = SOURCES[i % 3]
        age = int(rng.integers(3, 100))
        dollars = round(float(CATEGORIES[category] * rng.lognormal(0.0, 0.4)), 2)
        resale = dollars * CONDITIONS[condition] * np.exp(-0.012 * age) * rng.lognormal(0, 0.1)
        rows.append(
            {
                "listing_id": f"lst-{i:05d}",
                "source": source,
                "category": category.title() if i % 4 == 0 else category,
                "brand_tier": rng.choice(["Premium", "mid-range", "budget", None]),
                "condition": condition,
                "age_months": f"{age} mo" if i % 10 == 0 else age,
                "hours_used": np.nan if i % 3 else float(rng.integers(10, 3000)),
                "original_price": round(dollars * 100) if source == "dealer_feed" else dollars,
                "seller_rating": np.nan if i % 9 == 0 else round(float(rng.uniform(3, 5)), 1),
                "unused_column": "ignore me",
                "resale_price": round(float(resale), 2),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def listings() -> pd.DataFrame:
    """Training frame with labels."""
    return make_listings()


@pytest.fixture
def scoring_frame(listings: pd.DataFrame) -> pd.DataFrame:
    """Prediction input: id and raw features, no label."""
    return listings.drop(columns="resale_price").head(25).reset_index(drop=True)
