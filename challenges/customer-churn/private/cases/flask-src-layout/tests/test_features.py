import math

import pandas as pd
import pytest

from src.features import FEATURES, clean, contract_term, number, payment


@pytest.mark.parametrize("raw, term", [("M2M", "monthly"), ("Month to month", "monthly"),
                                       ("12 months", "annual"), ("Two year", "biennial")])
def test_contract_terms(raw, term):
    assert contract_term(raw) == term


def test_payment_spellings():
    assert payment("CARD") == payment("Credit card") == "card"
    assert payment("e-check") == "electronic check"


def test_numbers_from_text():
    assert number("27 months") == 27.0
    assert math.isnan(number("unknown"))


def test_clean_never_reads_retention_calls():
    row = {c: 1 for c in FEATURES} | {"contract": "M2M", "payment_method": "CARD",
                                      "region": "North", "retention_calls": 5}
    assert "retention_calls" not in clean(pd.DataFrame([row])).columns


def test_clean_names_a_missing_column():
    with pytest.raises(KeyError, match="region"):
        clean(pd.DataFrame([{c: 1 for c in FEATURES if c != "region"}]))
