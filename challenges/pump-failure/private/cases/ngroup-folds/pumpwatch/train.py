"""python -m pumpwatch.train DATA_DIR ARTIFACTS_DIR"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from pumpwatch.folds import carve_buckets
from pumpwatch.readings import inputs


def classifier() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_depth=3,
                                          l2_regularization=1.0, random_state=0)


def held_out_auc(frame: pd.DataFrame, k: int = 5) -> float:
    X, y = inputs(frame), frame["failed_30d"].to_numpy()
    bucket = carve_buckets(frame, k)
    scores = np.zeros(len(frame))
    for b in range(k):
        seen = bucket != b
        model = classifier().fit(X[seen], y[seen])
        scores[~seen] = model.predict_proba(X[~seen])[:, 1]
    return float(roc_auc_score(y, scores))


def main(data_dir: str, out_dir: str) -> None:
    frame = pd.read_csv(Path(data_dir) / "train.csv")
    auc = held_out_auc(frame)
    print(f"AUC on pumps held out of training: {auc:.3f}")
    model = classifier().fit(inputs(frame), frame["failed_30d"])
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / "model.pkl").write_bytes(pickle.dumps(model))
    (Path(out_dir) / "validation.json").write_text(json.dumps({"pump_held_out_auc": auc}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
