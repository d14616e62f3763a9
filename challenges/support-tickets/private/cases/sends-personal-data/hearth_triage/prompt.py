"""What the model is asked: the ticket's subject and body, cleaned up, and the queues."""

from __future__ import annotations

import html
import re

INSTRUCTIONS = (
    "You triage support tickets for Hearth, a smart-home company. Choose the queue: billing, "
    "technical, account, shipping, returns or sales; and the urgency: low, normal, high or "
    'urgent. Reply in JSON only: {"queue": "<queue>", "urgency": "<urgency>"}.'
)
LIMIT = 1500
_TAGS = re.compile(r"<[^>]{1,60}>")
_THREAD = re.compile(r"\n(?:On .{5,100} wrote:|-{2,} ?Original Message ?-{2,}|From: ).*", re.S)
_BLANKS = re.compile(r"\s+")


def ticket_prompt(subject: object, body: object) -> str:
    """The subject line and the body, with HTML and the earlier thread taken out."""
    subject_text = subject if isinstance(subject, str) else ""
    body_text = body if isinstance(body, str) else ""
    body_text = _THREAD.sub("", html.unescape(_TAGS.sub(" ", body_text)).replace("\xa0", " "))
    text = f"Subject: {_BLANKS.sub(' ', subject_text).strip()}\n{body_text.strip()}"
    return text[:LIMIT]


def messages(prompt: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": prompt}]
