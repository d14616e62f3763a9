"""A local model: character n-grams and a ridge classifier, for when the API cannot answer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.pipeline import Pipeline

from queue_router.text import customer_text


def _pipeline() -> Pipeline:
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ("clf", RidgeClassifier(alpha=1.0)),
    ])


@dataclass
class LocalModel:
    queue: Pipeline
    urgency: Pipeline

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> LocalModel:
        texts = [customer_text(s, b) for s, b in zip(frame["subject"], frame["body"])]
        return cls(_pipeline().fit(texts, frame["queue"].astype(int)),
                   _pipeline().fit(texts, frame["urgency"].astype(str)))

    def predict(self, text: str) -> tuple[int, str]:
        return int(self.queue.predict([text])[0]), str(self.urgency.predict([text])[0])
