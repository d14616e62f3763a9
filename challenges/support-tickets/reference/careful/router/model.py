"""The router's own models: rules for automated notices, and two small text classifiers.

Most tickets say plainly what they are about, and a TF-IDF + logistic regression classifier
trained on the helpdesk's labels routes them at no cost in under a millisecond. Its
probability says when it is unsure (new phrasings, other languages, new products): only then
is the language model asked. Urgency depends on the customer tier and the channel as much as
on the words (a business customer locked out is urgent), which the classifier sees and the
language model does not, so urgency always comes from the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from router import QUEUES
from router.text import customer_words

AUTOMATED_SENDERS = (
    (re.compile(r"automated message from hearth monitor", re.IGNORECASE), "technical"),
    (re.compile(r"automated notice from the payment gateway", re.IGNORECASE), "billing"),
    (re.compile(r"carrier notification: a delivery exception", re.IGNORECASE), "shipping"),
)
"""Notices our own systems send: each sender always means the same queue."""
CONFIDENT = 0.6
"""Below this probability the classifier's queue goes to the language model (see README)."""
TIERS = ("free", "standard", "premium", "business")
TIER_SPELLINGS = {"std": "standard", "prem": "premium", "b2b": "business"}
CHANNELS = {"e-mail": "email", "web form": "web_form", "web": "web_form", "live chat": "chat",
            "call": "phone"}  # fmt: skip


def automated_queue(words: str) -> str | None:
    """The queue of a notice from one of our own systems, None for a customer's ticket."""
    for pattern, queue in AUTOMATED_SENDERS:
        if pattern.search(words):
            return queue
    return None


def normal_tier(value: object) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    text = TIER_SPELLINGS.get(text, text)
    return text if text in TIERS else "unknown"


def normal_channel(value: object) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    return CHANNELS.get(text, text.replace(" ", "_")) or "unknown"


def ticket_texts(frame: pd.DataFrame) -> list[str]:
    """What the customer wrote, per ticket (subject and body, signature and quotes cut)."""
    subjects = frame.get("subject", pd.Series([""] * len(frame), index=frame.index))
    bodies = frame.get("body", pd.Series([""] * len(frame), index=frame.index))
    return [customer_words(s, b) for s, b in zip(subjects, bodies, strict=True)]


def with_context(texts: list[str], frame: pd.DataFrame) -> list[str]:
    """The words plus the tier and channel as tokens, for the urgency classifier."""
    tiers = frame.get("customer_tier", pd.Series([None] * len(frame), index=frame.index))
    channels = frame.get("channel", pd.Series([None] * len(frame), index=frame.index))
    return [f"{text} tier_{normal_tier(tier)} channel_{normal_channel(channel)}"
            for text, tier, channel in zip(texts, tiers, channels, strict=True)]  # fmt: skip


def text_classifier() -> Pipeline:
    """Words and character n-grams (robust to typos), then a logistic regression."""
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=10, max_iter=2000))])


@dataclass
class Router:
    """The two fitted classifiers and the confidence below which the model API is asked."""

    queue_model: Pipeline
    urgency_model: Pipeline
    confident: float = CONFIDENT

    def queue_guesses(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each ticket's most likely queue name and its probability."""
        proba = self.queue_model.predict_proba(texts)
        classes = np.array([QUEUES[int(c) - 1] for c in self.queue_model.classes_])
        return classes[proba.argmax(axis=1)], proba.max(axis=1)

    def urgency(self, texts: list[str], frame: pd.DataFrame) -> np.ndarray:
        return self.urgency_model.predict(with_context(texts, frame))


def fit_router(frame: pd.DataFrame) -> Router:
    """Both classifiers fitted on labelled tickets (queue numbers 1-6, urgency words)."""
    texts = ticket_texts(frame)
    queue_model = text_classifier().fit(texts, frame["queue"].astype(int))
    urgency_model = text_classifier().fit(with_context(texts, frame), frame["urgency"])
    return Router(queue_model, urgency_model)
