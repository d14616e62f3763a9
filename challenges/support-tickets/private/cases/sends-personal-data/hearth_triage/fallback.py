"""The local classifier: routes a ticket when the API cannot, and gives every urgency hint."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import make_pipeline

from hearth_triage.prompt import ticket_prompt


class Fallback:
    def __init__(self) -> None:
        self.queue = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                                   SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0))
        self.urgency = make_pipeline(TfidfVectorizer(min_df=2),
                                     SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0))

    def fit(self, frame: pd.DataFrame) -> Fallback:
        prompts = [ticket_prompt(s, b) for s, b in zip(frame["subject"], frame["body"])]
        self.queue.fit(prompts, frame["queue"].astype(int))
        self.urgency.fit(prompts, frame["urgency"].astype(str))
        return self

    def route(self, prompt: str) -> tuple[int, str]:
        return int(self.queue.predict([prompt])[0]), str(self.urgency.predict([prompt])[0])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "fallback.pkl").write_bytes(pickle.dumps(self))

    @staticmethod
    def load(folder: Path) -> Fallback:
        return pickle.loads((folder / "fallback.pkl").read_bytes())
