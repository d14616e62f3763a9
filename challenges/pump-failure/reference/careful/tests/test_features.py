"""Tests for cleaning raw inspection readings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pumps.features import (
    FEATURES,
    clean_features,
    is_readable_number,
    normalise_model,
    normalise_site,
    parse_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(12.5, 12.5), (7, 7.0), ("12,345", 12345.0), ("8000 h", 8000.0), (" 3.40 ", 3.4)],
)
def test_numbers_are_parsed_as_typed(raw: object, expected: float) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "unknown", "n/a", "N/A", "about ten", True])
def test_missing_or_unreadable_numbers_become_nan(raw: object) -> None:
    assert math.isnan(parse_number(raw))


def test_readable_number_accepts_missing_tokens_but_not_text() -> None:
    assert is_readable_number("unknown")
    assert is_readable_number(None)
    assert is_readable_number("1,200")
    assert not is_readable_number("ten")


@pytest.mark.parametrize("raw", ["AX-100", "ax-100", "AX100", "AX 100", " ax_100 "])
def test_model_spellings_are_one_model(raw: str) -> None:
    assert normalise_model(raw) == "AX-100"


def test_site_spellings_are_one_site() -> None:
    assert {normalise_site(s) for s in ["Mill Lane", " MILL LANE", "mill  lane"]} == {"mill lane"}
    assert math.isnan(normalise_site("   "))


def test_clean_features_parses_range_checks_and_drops_identifiers(pump_frame: pd.DataFrame) -> None:
    raw = pump_frame.head(3).astype(object)
    raw.loc[raw.index[0], "vibration_mm_s"] = "999.9"  # a sensor fault
    raw.loc[raw.index[1], "bearing_temp_c"] = -40.0  # a disconnected probe
    raw.loc[raw.index[2], "runtime_hours"] = "12,345"
    raw["something_new"] = 1
    cleaned = clean_features(raw)
    assert list(cleaned.columns) == FEATURES
    assert "pump_id" not in cleaned.columns and "reading_id" not in cleaned.columns
    assert math.isnan(cleaned["vibration_mm_s"].iloc[0])
    assert math.isnan(cleaned["bearing_temp_c"].iloc[1])
    assert cleaned["runtime_hours"].iloc[2] == 12345.0
    assert cleaned["runtime_hours"].dtype == "float64"


def test_clean_features_reports_missing_columns(pump_frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="motor_kw"):
        clean_features(pump_frame.drop(columns="motor_kw"))
