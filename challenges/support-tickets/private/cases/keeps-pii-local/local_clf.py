"""The in-house classifier: routes tickets with contact details, and any the API cannot."""

import pickle

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

from text_prep import prepare


def _model():
    features = make_union(TfidfVectorizer(sublinear_tf=True, min_df=2),
                          TfidfVectorizer(analyzer="char", ngram_range=(2, 4), min_df=2))
    return make_pipeline(features, CalibratedClassifierCV(LinearSVC(), cv=3))


class LocalRouter:
    def fit(self, frame):
        texts = [prepare(s, b) for s, b in zip(frame["subject"], frame["body"])]
        self.queue_model = _model().fit(texts, frame["queue"].astype(int))
        self.urgency_model = _model().fit(texts, frame["urgency"])
        return self

    def predict(self, texts):
        return ([int(q) for q in self.queue_model.predict(texts)],
                [str(u) for u in self.urgency_model.predict(texts)])

    def dump(self, path):
        with open(path, "wb") as f:
            pickle.dump(self, f)

    @staticmethod
    def load(path):
        with open(path, "rb") as f:
            return pickle.load(f)
