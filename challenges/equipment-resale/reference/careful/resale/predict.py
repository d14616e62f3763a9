"""Batch predictions: ``python -m resale.predict --model DIR --input CSV --output CSV``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor

from resale import configure_logging
from resale.features import (
    ID_COLUMN,
    PRICE_UNITS_PER_DOLLAR,
    RAW_COLUMNS,
    missing_columns,
    normalise_source,
)
from resale.train import MODEL_FILE

logger = logging.getLogger("resale.predict")

REQUIRED_COLUMNS: list[str] = [ID_COLUMN, *RAW_COLUMNS]


class InputValidationError(ValueError):
    """Raised when prediction input does not have the expected columns."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Predict resale prices of listings.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by resale.train")
    parser.add_argument("--input", type=Path, required=True, help="CSV of listings to price")
    parser.add_argument("--output", type=Path, required=True, help="CSV to write predictions to")
    return parser.parse_args(argv)


def load_model(model_dir: Path) -> TransformedTargetRegressor:
    """Load the fitted model (cleaning included)."""
    model = joblib.load(model_dir / MODEL_FILE)
    logger.info("loaded model from %s", model_dir)
    return model


def validate_columns(df: pd.DataFrame) -> None:
    """Fail with a clear message if required columns are missing."""
    absent = missing_columns(df, REQUIRED_COLUMNS)
    if absent:
        raise InputValidationError(
            f"input is missing required columns: {', '.join(absent)} "
            f"(expected: {', '.join(REQUIRED_COLUMNS)})"
        )


def warn_unknown_sources(df: pd.DataFrame) -> None:
    """A source we have no price unit for gets no price; say so rather than guess."""
    sources = df["source"].map(normalise_source)
    unknown = sources[~sources.isin(list(PRICE_UNITS_PER_DOLLAR))]
    if not unknown.empty:
        logger.warning(
            "%d rows have a missing or unknown source (%s): their original_price is ignored",
            len(unknown),
            ", ".join(sorted({str(s) for s in unknown.unique()})),
        )


def predict_frame(model: TransformedTargetRegressor, df: pd.DataFrame) -> pd.DataFrame:
    """One row per input row: the listing id and the predicted resale price in dollars."""
    validate_columns(df)
    if df.empty:
        return pd.DataFrame({ID_COLUMN: pd.Series(dtype=object), "prediction": []})
    warn_unknown_sources(df)
    predicted = np.clip(model.predict(df), 0.0, None)
    return pd.DataFrame({ID_COLUMN: df[ID_COLUMN].to_numpy(), "prediction": np.round(predicted, 2)})


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    configure_logging()
    args = parse_args(argv)
    model = load_model(args.model)
    df = pd.read_csv(args.input, dtype={ID_COLUMN: str})
    try:
        predictions = predict_frame(model, df)
    except InputValidationError as exc:
        logger.error("%s: %s", args.input, exc)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    predictions.to_csv(args.output, index=False)
    logger.info("wrote %d predictions to %s", len(predictions), args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
