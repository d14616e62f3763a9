"""Text normalisation, the fixed rules, and the classifier that routes everything else."""

import html
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

# Notices sent by our own systems always belong to the same team.
SYSTEM_NOTICES = [
    ("hearth monitor", 2),
    ("payment gateway", 1),
    ("carrier notification", 4),
]
URGENT_WORDS = ("urgent", "asap", "immediately", "dringend", "urgente", "no heat", "locked out")
CALM_WORDS = ("no rush", "whenever", "just wondering", "pas urgent", "keine eile")


def normalise(subject, body):
    """Lower-case subject and body, HTML decoded, quoted thread and signature dropped."""
    subject = subject if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    body = html.unescape(re.sub(r"<[^>]*>", " ", body))
    body = re.split(r"\n\s*(?:on .{0,80}wrote:|>|--\s*$|sent from my)", body, flags=re.I | re.M)[0]
    return re.sub(r"\s+", " ", f"{subject} {body}").strip().lower()


def rule_queue(text):
    for marker, queue in SYSTEM_NOTICES:
        if marker in text:
            return queue
    return None


def rule_urgency(text, tier):
    if any(word in text for word in URGENT_WORDS):
        return "urgent" if str(tier).lower() in ("business", "b2b") else "high"
    if any(word in text for word in CALM_WORDS):
        return "low"
    return None


def build_classifier():
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True)),
    ])
    return Pipeline([("features", features), ("svm", LinearSVC(C=0.7, class_weight="balanced"))])


def route(models, frame):
    """Queue numbers and urgencies for a frame of tickets."""
    texts = [normalise(s, b) for s, b in zip(frame["subject"], frame["body"])]
    tiers = frame["customer_tier"] if "customer_tier" in frame else [""] * len(texts)
    queues = models["queue"].predict(texts) if texts else np.array([])
    urgencies = models["urgency"].predict(texts) if texts else np.array([])
    out = []
    for text, tier, queue, urgency in zip(texts, tiers, queues, urgencies):
        out.append((rule_queue(text) or int(queue), rule_urgency(text, tier) or str(urgency)))
    return out
