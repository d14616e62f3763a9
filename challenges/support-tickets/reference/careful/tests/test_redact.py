"""Nothing personal may reach the model API: what `redact` cuts and what it keeps."""

from __future__ import annotations

import pytest

from router.redact import leftover_personal_data, passes_luhn, redact


@pytest.mark.parametrize(
    "card", ["4539 1488 0343 6467", "4539-1488-0343-6467", "4539148803436467", "5425233430109903"]
)
def test_card_numbers_in_any_spacing_are_cut(card: str) -> None:
    assert passes_luhn(card.replace(" ", "").replace("-", ""))
    out = redact(f"My card number is {card} in case you need it.")
    assert card not in out and "[card]" in out
    assert not leftover_personal_data(out)


@pytest.mark.parametrize(
    "phone", ["+44 7700 900123", "07700 900123", "+49 30 1234 567", "(205) 555-0123"]
)
def test_phone_numbers_in_any_format_are_cut(phone: str) -> None:
    out = redact(f"Please call me back on {phone}.")
    assert "[phone]" in out and not any(ch.isdigit() for ch in out)


def test_emails_and_callers_names_are_cut() -> None:
    out = redact('Call from Grace Okafor. Customer says: "move me to g.okafor12@gmail.com"')
    assert "Okafor" not in out and "gmail" not in out
    assert out == 'Call from [name]. Customer says: "move me to [email]"'


def test_what_routing_needs_is_kept() -> None:
    text = "Invoice INV-2025-1234 shows £12.99 for order HX-50669, firmware 4.3.12, error E47."
    assert redact(text) == text
    assert not leftover_personal_data(text)


def test_a_long_number_that_is_no_card_is_flagged_not_sent() -> None:
    out = redact("reference 1234 5678 9012 3456 7")
    assert leftover_personal_data(out)
