"""Ticket text for both the classifier and the model: markup, quoted threads, signatures out."""

import html
import re

TAG = re.compile(r"<[^>]+>")
THREAD = re.compile(r"^(?:On .*wrote:|-+\s*Original Message\s*-+|>).*", re.M | re.S)
CLOSING = re.compile(r"^(?:thanks|thank you|regards|kind regards|cheers|best|merci|danke|saludos)\b.*",
                     re.I | re.M | re.S)


def prepare(subject, body):
    subject = subject.strip() if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    body = html.unescape(TAG.sub(" ", body)).replace("\xa0", " ")
    body = CLOSING.sub("", THREAD.sub("", body))
    return (subject + "\n" + " ".join(body.split())).strip()
