"""Fit the churn model and save it with a model card."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import joblib
import pandas as pd
import sklearn

from attrition import __version__
from attrition.model import cross_validated_auc, make_pipeline
from attrition.schema import TARGET, normalise

log = logging.getLogger("attrition.train")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    raw = pd.read_csv(args.data / "train.csv")
    raw = raw[raw[TARGET].isin([0, 1])]
    features, labels = normalise(raw), raw[TARGET].astype(int)
    auc = cross_validated_auc(features, labels)
    log.info("out-of-fold ROC AUC %.3f on %d customers", auc, len(raw))

    pipeline = make_pipeline().fit(features, labels)
    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, args.out / "model.joblib")
    card = {"version": __version__, "sklearn": sklearn.__version__, "cv_roc_auc": round(auc, 4),
            "features": list(features.columns)}
    (args.out / "model_card.json").write_text(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
