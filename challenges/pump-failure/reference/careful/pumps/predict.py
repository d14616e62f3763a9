"""Batch predictions: ``python -m pumps.predict --model DIR --input CSV --output CSV``."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import joblib
import pandas as pd
from sklearn.pipeline import Pipeline

from pumps import configure_logging
from pumps.features import FEATURES, ID_COLUMN, missing_columns
from pumps.train import METADATA_FILE, MODEL_FILE, THRESHOLD

logger = logging.getLogger("pumps.predict")

REQUIRED_COLUMNS: list[str] = [ID_COLUMN, *FEATURES]
OUTPUT_COLUMNS: list[str] = [ID_COLUMN, "prediction", "probability"]


class InputValidationError(ValueError):
    """Prediction input without the columns the model needs."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Score inspection readings.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by pumps.train")
    parser.add_argument("--input", type=Path, required=True, help="CSV with reading_id + features")
    parser.add_argument("--output", type=Path, required=True, help="CSV to write predictions to")
    return parser.parse_args(argv)


def load_model(model_dir: Path) -> tuple[Pipeline, float]:
    """The fitted pipeline and its decision threshold."""
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
    """One row per input row: reading_id, prediction (0/1) and probability of failure."""
    validate_columns(df)
    if df.empty:
        return pd.DataFrame({column: [] for column in OUTPUT_COLUMNS})
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
