"""Ticket text: the customer's words, without markup, quoted replies or contact details."""

from __future__ import annotations

import html
import re

_MARKUP = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"(?:^>.*$)|(?:^On .+wrote:$[\s\S]*)", re.MULTILINE)
_EMAIL = re.compile(r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_DIGITS = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d(?:[\s.-]?\d){6,18}")


def mask_contact_details(text: str) -> str:
    """Emails, phone numbers and card numbers replaced before any text leaves the service."""
    text = _EMAIL.sub("[email]", text)
    return _DIGITS.sub("[number]", text)


def customer_text(subject: object, body: object) -> str:
    subject_text = subject.strip() if isinstance(subject, str) else ""
    body_text = html.unescape(_MARKUP.sub(" ", body)) if isinstance(body, str) else ""
    body_text = _QUOTED.sub("", body_text)
    return " ".join(f"{subject_text} {body_text}".split())
