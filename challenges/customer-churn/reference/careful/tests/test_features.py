"""Tests for input cleaning."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from churn.features import (
    FEATURES,
    clean_features,
    normalise_contract,
    normalise_payment,
    normalise_text,
    parse_months,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("month-to-month", "month-to-month"),
        ("Month-to-month", "month-to-month"),
        ("  MONTH TO MONTH ", "month-to-month"),
        ("1 year", "one year"),
        ("One Year", "one year"),
        ("2 years", "two year"),
        ("Two-Year", "two year"),
        ("M2M", "month-to-month"),
        ("12 months", "one year"),
    ],
)
def test_contract_spellings_are_normalised(raw: str, expected: str) -> None:
    assert normalise_contract(raw) == expected


def test_blank_and_missing_text_become_nan() -> None:
    assert math.isnan(normalise_text("   "))
    assert math.isnan(normalise_text(None))
    assert math.isnan(normalise_contract(np.nan))


def test_unknown_contract_is_kept_normalised() -> None:
    assert normalise_contract(" Quarterly ") == "quarterly"


def test_clean_features_coerces_numbers_and_drops_extra_columns() -> None:
    raw = pd.DataFrame(
        {
            "tenure_months": ["12 months", "unknown"],
            "monthly_charges": [70.5, 9999.99],
            "contract": ["1 year", "Month-to-month"],
            "payment_method": ["Credit_Card", None],
            "support_tickets": [0, 3],
            "region": ["North ", "south"],
            "senior": [0, 1],
            "retention_calls": [0, 4],
        }
    )
    cleaned = clean_features(raw)
    assert list(cleaned.columns) == FEATURES
    assert cleaned["tenure_months"].iloc[0] == 12.0
    assert cleaned["tenure_months"].isna().iloc[1]
    assert cleaned["monthly_charges"].isna().iloc[1]
    assert cleaned["contract"].tolist() == ["one year", "month-to-month"]
    assert cleaned["payment_method"].iloc[0] == "card"
    assert cleaned["region"].tolist() == ["north", "south"]


def test_clean_features_reports_missing_columns() -> None:
    with pytest.raises(ValueError, match="region"):
        clean_features(pd.DataFrame({c: [1] for c in FEATURES if c != "region"}))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Credit card", "card"), ("CARD", "card"), ("e-check", "electronic check"),
     ("bank_transfer", "bank transfer")],
)
def test_payment_spellings_are_normalised(raw: str, expected: str) -> None:
    assert normalise_payment(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [(12, 12.0), ("7", 7.0), ("30 months", 30.0)])
def test_months_are_read_from_numbers_and_text(raw: object, expected: float) -> None:
    assert parse_months(raw) == expected


def test_the_leaky_column_is_not_a_feature() -> None:
    assert "retention_calls" not in FEATURES
