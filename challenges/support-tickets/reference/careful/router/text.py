"""Ticket text as the models should read it: the customer's own words, nothing around them.

Emails carry signatures (names, job titles, companies whose names can mislead a classifier,
phone numbers), sign-offs like "Sent from my iPhone", and our own earlier reply quoted
underneath, which is often about something else. The web form leaves HTML in. All of that is
cut here, before the classifier and before the language model.
"""

from __future__ import annotations

import html
import re

QUOTE_HEADER = re.compile(r"^\s*On .{0,120}wrote:\s*$", re.MULTILINE)
CLOSING = re.compile(
    r"^\s*(thanks|thank you|regards|best regards|kind regards|best|cheers|thanks in advance|"
    r"many thanks|viele grüße|mit freundlichen grüßen|cordialement|merci d'avance|saludos|"
    r"gracias)[,!.]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
TAGS = re.compile(r"<[^>]{0,40}>")
SPACES = re.compile(r"[ \t]+")


def strip_quoted(body: str) -> str:
    """The message without the earlier conversation quoted below it."""
    match = QUOTE_HEADER.search(body)
    kept = body[: match.start()] if match else body
    return "\n".join(line for line in kept.splitlines() if not line.lstrip().startswith(">"))


def strip_signature(body: str) -> str:
    """The message up to its closing line ("Thanks,", "Regards,"), where signatures begin."""
    match = CLOSING.search(body)
    return body[: match.start()] if match else body


def unhtml(text: str) -> str:
    """Entities decoded and tags turned into spaces (the web form leaves `<br>` and `&nbsp;`)."""
    return html.unescape(TAGS.sub(" ", text)).replace("\xa0", " ")


def customer_words(subject: object, body: object) -> str:
    """Subject and body reduced to what the customer wrote about this ticket."""
    subject_text = "" if not isinstance(subject, str) else subject.strip()
    body_text = "" if not isinstance(body, str) else body
    body_text = strip_signature(strip_quoted(unhtml(body_text)))
    lines = [SPACES.sub(" ", line).strip() for line in body_text.splitlines()]
    words = " ".join(line for line in lines if line)
    return f"{subject_text}\n{words}".strip()
