"""Batch predictions: ``python -m churn.predict --model DIR --input CSV --output CSV``."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import joblib
import pandas as pd
from sklearn.pipeline import Pipeline

from churn import configure_logging
from churn.features import FEATURES, ID_COLUMN, missing_columns
from churn.train import METADATA_FILE, MODEL_FILE, THRESHOLD

logger = logging.getLogger("churn.predict")

REQUIRED_COLUMNS: list[str] = [ID_COLUMN, *FEATURES]


class InputValidationError(ValueError):
    """Raised when prediction input does not have the expected columns."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Score customers with a trained churn model.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by churn.train")
    parser.add_argument("--input", type=Path, required=True, help="CSV with customer_id + features")
    parser.add_argument("--output", type=Path, required=True, help="CSV to write predictions to")
    return parser.parse_args(argv)


def load_model(model_dir: Path) -> tuple[Pipeline, float]:
    """Load the fitted pipeline and its decision threshold."""
    pipeline = joblib.load(model_dir / MODEL_FILE)
    metadata_path = model_dir / METADATA_FILE
    threshold = THRESHOLD
    if metadata_path.exists():
        threshold = float(json.loads(metadata_path.read_text()).get("threshold", THRESHOLD))
    logger.info("loaded model from %s (threshold %.2f)", model_dir, threshold)
    return pipeline, threshold


def validate_columns(df: pd.DataFrame) -> None:
    """Fail with a clear message if required columns are missing."""
    absent = missing_columns(df, REQUIRED_COLUMNS)
    if absent:
        raise InputValidationError(
            f"input is missing required columns: {', '.join(absent)} "
            f"(expected: {', '.join(REQUIRED_COLUMNS)})"
        )


def predict_frame(
    pipeline: Pipeline, df: pd.DataFrame, threshold: float = THRESHOLD
) -> pd.DataFrame:
    """Return one row per input row: customer_id, prediction (0/1) and churn probability."""
    validate_columns(df)
    if df.empty:
        return pd.DataFrame({ID_COLUMN: [], "prediction": [], "probability": []})
    probability = pipeline.predict_proba(df)[:, 1]
    return pd.DataFrame(
        {
            ID_COLUMN: df[ID_COLUMN].to_numpy(),
            "prediction": (probability >= threshold).astype(int),
            "probability": probability.round(6),
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    configure_logging()
    args = parse_args(argv)
    pipeline, threshold = load_model(args.model)
    df = pd.read_csv(args.input, dtype={ID_COLUMN: str})
    try:
        predictions = predict_frame(pipeline, df, threshold)
    except InputValidationError as exc:
        logger.error("%s: %s", args.input, exc)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    predictions.to_csv(args.output, index=False)
    logger.info("wrote %d predictions to %s", len(predictions), args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
