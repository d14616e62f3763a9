"""Train the router: ``python -m router.train --data DIR --out DIR``.

Fits the queue and urgency classifiers, estimates their quality by 5-fold cross-validation,
and reports how many tickets the classifier is sure of (those never reach the model API).
The model API is not called while training.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from router import configure_logging
from router.model import CONFIDENT, fit_router, text_classifier, ticket_texts, with_context

logger = logging.getLogger("router.train")
MODEL_FILE = "router.joblib"
METADATA_FILE = "metadata.json"
REQUIRED = ("ticket_id", "subject", "body", "customer_tier", "channel", "queue", "urgency")


def load_tickets(path: Path) -> pd.DataFrame:
    """train.csv with its labels checked: rows without a valid queue or urgency dropped."""
    csv_path = path / "train.csv" if path.is_dir() else path
    frame = pd.read_csv(csv_path, dtype={"subject": str, "body": str}, keep_default_na=False)
    missing = [column for column in REQUIRED if column not in frame]
    if missing:
        raise SystemExit(f"{csv_path}: missing columns {', '.join(missing)}")
    frame["queue"] = pd.to_numeric(frame["queue"], errors="coerce")
    valid = frame["queue"].isin(range(1, 7)) & frame["urgency"].isin(
        ["low", "normal", "high", "urgent"]
    )
    if (~valid).any():
        logger.warning("dropping %d rows without a valid queue or urgency", int((~valid).sum()))
    return frame.loc[valid].reset_index(drop=True)


def cross_validate(frame: pd.DataFrame, folds: int = 5) -> dict[str, float]:
    """Out-of-fold quality of the queue classifier, and of it where it is sure."""
    texts = ticket_texts(frame)
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    queues = frame["queue"].astype(int).to_numpy()
    proba = cross_val_predict(text_classifier(), texts, queues, cv=cv, method="predict_proba")
    predicted = np.sort(np.unique(queues))[proba.argmax(axis=1)]
    sure = proba.max(axis=1) >= CONFIDENT
    urgency = cross_val_predict(text_classifier(), with_context(texts, frame), frame["urgency"],
                                cv=cv)  # fmt: skip
    return {
        "queue_balanced_accuracy": float(balanced_accuracy_score(queues, predicted)),
        "share_sure": float(sure.mean()),
        "queue_accuracy_when_sure": float(accuracy_score(queues[sure], predicted[sure])),
        "urgency_accuracy": float(accuracy_score(frame["urgency"], urgency)),
    }


def main(argv: list[str] | None = None) -> None:
    configure_logging()
    parser = argparse.ArgumentParser(description="Train the ticket router.")
    parser.add_argument("--data", type=Path, required=True, help="folder with train.csv")
    parser.add_argument("--out", type=Path, required=True, help="folder for the model")
    args = parser.parse_args(argv)
    frame = load_tickets(args.data)
    scores = cross_validate(frame)
    logger.info("cross-validation: %s", json.dumps({k: round(v, 3) for k, v in scores.items()}))
    router = fit_router(frame)
    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(router, args.out / MODEL_FILE)
    metadata = {"tickets": len(frame), "confident": CONFIDENT, "cross_validation": scores}
    (args.out / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    logger.info("saved the router to %s", args.out)


if __name__ == "__main__":
    main()
