"""Tests for input cleaning, above all the unit of original_price."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from resale.features import (
    FEATURES,
    PRICE_UNITS_PER_DOLLAR,
    clean_features,
    normalise_source,
    parse_age,
    price_in_dollars,
)


def raw_row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "source": "marketplace",
        "category": "Medical Equipment",
        "brand_tier": "Premium",
        "condition": "Used - Good",
        "age_months": 24,
        "hours_used": 1200,
        "original_price": 2499.99,
        "seller_rating": 4.5,
    }
    return {**row, **changes}


def test_dealer_feed_prices_are_cents() -> None:
    assert PRICE_UNITS_PER_DOLLAR["dealer_feed"] == 100.0
    prices = pd.Series([249999, 2499.99, 2499.99])
    sources = pd.Series(["dealer_feed", "marketplace", "auction"])
    assert price_in_dollars(prices, sources).tolist() == pytest.approx([2499.99] * 3)


def test_same_item_gets_same_features_from_every_source() -> None:
    frame = pd.DataFrame(
        [
            raw_row(source="marketplace", original_price=349.99),
            raw_row(source="auction", original_price="349.99"),
            raw_row(source="dealer_feed", original_price=34999),
            raw_row(source=" Dealer Feed ", original_price="34999"),
        ]
    )
    cleaned = clean_features(frame)
    assert cleaned["log_price"].tolist() == pytest.approx([math.log(349.99)] * 4)
    assert cleaned["source"].tolist() == ["marketplace", "auction", "dealer_feed", "dealer_feed"]


@pytest.mark.parametrize("source", ["partner_api", None, ""])
def test_unknown_source_means_unknown_price(source: object) -> None:
    cleaned = clean_features(pd.DataFrame([raw_row(source=source, original_price=34999)]))
    assert np.isnan(cleaned["log_price"].iloc[0])


@pytest.mark.parametrize("price", [0, -5, "call for price"])
def test_unusable_prices_become_missing(price: object) -> None:
    assert np.isnan(clean_features(pd.DataFrame([raw_row(original_price=price)]))["log_price"][0])


@pytest.mark.parametrize(
    ("raw", "months"),
    [
        (18, 18.0),
        ("18", 18.0),
        ("18 mo", 18.0),
        ("18 months", 18.0),
        ("2 yrs", 24.0),
        ("3 years", 36.0),
        (" 7 MO ", 7.0),
    ],
)
def test_age_text_is_parsed(raw: object, months: float) -> None:
    assert parse_age(raw) == months


@pytest.mark.parametrize("raw", ["n/a", "unknown", "", None, float("nan"), -3, "about a year"])
def test_unreadable_age_is_missing(raw: object) -> None:
    assert math.isnan(parse_age(raw))


def test_spellings_are_unified() -> None:
    frame = pd.DataFrame(
        [
            raw_row(category="A/V", condition="Excellent", brand_tier="budget"),
            raw_row(category="audio-visual", condition="like-new", brand_tier="Value"),
            raw_row(category="Gym Equipment", condition="parts only", brand_tier="standard"),
        ]
    )
    cleaned = clean_features(frame)
    assert cleaned["category"].tolist() == ["audio/video", "audio/video", "fitness"]
    assert cleaned["condition"].tolist() == ["like new", "like new", "for parts"]
    assert cleaned["brand_tier"].tolist() == ["value", "value", "mid"]


def test_hour_meter_fault_is_missing() -> None:
    cleaned = clean_features(pd.DataFrame([raw_row(hours_used=99999), raw_row(hours_used="12")]))
    assert np.isnan(cleaned["hours_used"].iloc[0])
    assert cleaned["hours_used"].iloc[1] == 12.0


def test_source_spellings() -> None:
    assert normalise_source("Dealer_Feed") == "dealer_feed"
    assert normalise_source("MARKETPLACE") == "marketplace"
    assert isinstance(normalise_source(None), float)


def test_clean_features_keeps_only_features_and_reports_missing_columns() -> None:
    cleaned = clean_features(pd.DataFrame([{**raw_row(), "extra": 1}]))
    assert list(cleaned.columns) == FEATURES
    with pytest.raises(ValueError, match="original_price"):
        clean_features(
            pd.DataFrame([{k: v for k, v in raw_row().items() if k != "original_price"}])
        )
