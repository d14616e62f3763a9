"""The customer's own words: quoted replies, signatures and HTML cut."""

from __future__ import annotations

from router.text import customer_words

BODY = """Hello,

The camera keeps going offline.<br>Thanks&nbsp;for looking.

Regards,
Ana Silva
Office Manager, Harbour Billing Services
Tel: +44 7700 900123

On 3 March 2025, Hearth Support <support@hearth.example> wrote:
> Thank you for contacting us about your invoice."""


def test_signature_quote_and_html_are_cut() -> None:
    words = customer_words("Camera offline", BODY)
    assert words.startswith("Camera offline\n")
    assert "keeps going offline" in words and "Thanks for looking." in words
    for gone in ("Billing", "invoice", "Silva", "7700", "<br>", "&nbsp;"):
        assert gone not in words


def test_missing_fields_are_empty_text() -> None:
    assert customer_words(None, float("nan")) == ""
