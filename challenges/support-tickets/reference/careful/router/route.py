"""Routing a batch of tickets: rules first, the classifier where it is sure, the model API
for the rest, and the classifier again whenever the API cannot answer.

Every ticket gets a queue and an urgency whatever the API does; `source` says which part
decided, so the logs show how much the API was needed and how often it failed.
"""

from __future__ import annotations

import logging
from collections import Counter

import pandas as pd

from router import URGENCY, queue_number
from router.llm import ModelClient
from router.model import Router, automated_queue, ticket_texts
from router.redact import leftover_personal_data, redact

logger = logging.getLogger("router.route")


def route_frame(router: Router, frame: pd.DataFrame, client: ModelClient | None,
                deadline: float | None = None) -> pd.DataFrame:  # fmt: skip
    """`ticket_id`, `prediction` (queue number), `urgency` and `source` for every row."""
    texts = ticket_texts(frame)
    guesses, confidence = router.queue_guesses(texts)
    urgency = router.urgency(texts, frame)
    queues, sources = [], []
    for text, guess, sure in zip(texts, guesses, confidence, strict=True):
        queue, source = decide(text, str(guess), float(sure), router.confident, client, deadline)
        queues.append(queue_number(queue))
        sources.append(source)
    logger.info("routed %d tickets: %s", len(frame), dict(Counter(sources)))
    ids = frame["ticket_id"] if "ticket_id" in frame else pd.Series(range(len(frame)))
    return pd.DataFrame({"ticket_id": ids.to_numpy(), "prediction": queues,
                         "urgency": [u if u in URGENCY else "normal" for u in urgency],
                         "source": sources})  # fmt: skip


def decide(text: str, guess: str, sure: float, confident: float, client: ModelClient | None,
           deadline: float | None) -> tuple[str, str]:  # fmt: skip
    """One ticket's queue and what decided it."""
    rule = automated_queue(text)
    if rule is not None:
        return rule, "rule"
    if sure >= confident or client is None:
        return guess, "classifier"
    safe = redact(text)
    if leftover_personal_data(safe):
        return guess, "classifier (personal data left after redaction)"
    answer = client.classify(safe, deadline)
    if answer is None:
        return guess, "classifier (model API unavailable)"
    return answer.queue, answer.model
