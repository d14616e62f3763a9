"""Does a ticket carry contact or payment details? Such a ticket never leaves our systems.

Rather than editing tickets before sending them (a pattern that misses one format leaks
it), a ticket in which anything looks like an email address, a phone number or a card
number is not sent to the model API at all: the local classifier routes it. The gate errs on
the side of keeping tickets local: any run of 8 or more digits counts.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
MIN_DIGITS = 8


def _luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def contact_details(text):
    """The kinds of contact or payment details found in the text (empty: none)."""
    found = set()
    if EMAIL.search(text):
        found.add("email")
    for run in DIGIT_RUN.finditer(text):
        digits = "".join(ch for ch in run.group(0) if ch.isdigit())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            found.add("card")
        elif len(digits) >= MIN_DIGITS:
            found.add("phone")
    return found


def may_leave(*texts):
    """Whether these texts may be sent to an outside API."""
    return not any(contact_details(t or "") for t in texts)
