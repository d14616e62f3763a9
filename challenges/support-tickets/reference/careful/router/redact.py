"""Personal data out of ticket text before it leaves our systems.

Customers paste card numbers, phone numbers and email addresses into tickets. Our privacy
policy covers the ticket text and the model API belongs to an outside provider, so nothing
personal may be sent to it. What is cut: email addresses; runs of 13-19 digits that pass the
Luhn check (card numbers, however they are spaced); other runs of 8-15 digits (phone numbers
in any format). Order, invoice and tracking numbers are not personal and are kept where their
shape shows what they are (letters before the digits: HX-12345, INV-2025-1234). The
placeholders keep the sentence readable for the model ("my card [card] was charged twice").
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER_RUN = re.compile(r"(?<![\w-])\+?\(?\d[\d ()./-]{5,24}\d(?![\w-])")
CALLER = re.compile(r"\b(Call from) [A-Z][\w'-]+(?: [A-Z][\w'-]+)?")
CARD_DIGITS = range(13, 20)
PHONE_DIGITS = range(8, 16)


def passes_luhn(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check, as every card number does."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _number(match: re.Match[str]) -> str:
    digits = "".join(ch for ch in match.group(0) if ch.isdigit())
    if len(digits) in CARD_DIGITS and passes_luhn(digits):
        return "[card]"
    if len(digits) in PHONE_DIGITS:
        return "[phone]"
    return match.group(0)


def redact(text: str) -> str:
    """The text with emails, card numbers, phone numbers and callers' names replaced."""
    text = EMAIL.sub("[email]", text)
    text = NUMBER_RUN.sub(_number, text)
    return CALLER.sub(r"\1 [name]", text)


def leftover_personal_data(text: str) -> bool:
    """Whether anything that looks personal is still in the text (a last check before a
    call: a ticket that fails it is never sent)."""
    if EMAIL.search(text):
        return True
    runs = ("".join(ch for ch in m.group(0) if ch.isdigit()) for m in NUMBER_RUN.finditer(text))
    return any(len(run) >= PHONE_DIGITS.start for run in runs)
