"""Score a CSV of customers with a saved model."""

from __future__ import annotations

import argparse
from pathlib import Path

import joblib
import pandas as pd

from attrition.model import score_frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    pipeline = joblib.load(args.model / "model.joblib")
    scores = score_frame(pipeline, pd.read_csv(args.input))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    scores.to_csv(args.output, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
