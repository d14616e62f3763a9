"""python -m pumprisk.cli fit DATA ART | python -m pumprisk.cli score ART IN OUT"""
import pickle
import sys
from pathlib import Path

import pandas as pd

from pumprisk.core import frame_to_matrix, new_model, pump_level_auc


def fit(data: str, art: str) -> None:
    df = pd.read_csv(Path(data) / "train.csv")
    print("GroupKFold AUC by pump:", round(pump_level_auc(df), 3))
    Path(art).mkdir(parents=True, exist_ok=True)
    with open(Path(art) / "gb.pkl", "wb") as fh:
        pickle.dump(new_model().fit(frame_to_matrix(df), df["failed_30d"]), fh)


def score(art: str, src: str, dst: str) -> None:
    with open(Path(art) / "gb.pkl", "rb") as fh:
        model = pickle.load(fh)
    df = pd.read_csv(src)
    p = model.predict_proba(frame_to_matrix(df))[:, 1]
    pd.DataFrame({"reading_id": df["reading_id"], "prediction": (p >= 0.5).astype(int),
                  "probability": p}).to_csv(dst, index=False)


if __name__ == "__main__":
    {"fit": fit, "score": score}[sys.argv[1]](*sys.argv[2:])
