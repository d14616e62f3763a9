"""Train the resale model: ``python -m resale.train --data DIR --out DIR``."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

from resale import configure_logging
from resale.features import (
    CATEGORICAL_FEATURES,
    FEATURES,
    ID_COLUMN,
    NUMERIC_FEATURES,
    PRICE_UNITS_PER_DOLLAR,
    RAW_COLUMNS,
    TARGET_COLUMN,
    clean_features,
    missing_columns,
    normalise_source,
    price_in_dollars,
)

logger = logging.getLogger("resale.train")

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
MIN_RESALE = 5.0
"""Sales closed below this are placeholders ("make an offer" listings closed at $1)."""
MAX_RESALE_TO_PRICE = 1.5
"""Used equipment does not resell for 1.5x its list price: such rows are keying errors."""
SEED = 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Train the equipment resale model.")
    parser.add_argument("--data", type=Path, required=True, help="folder with train.csv (or a CSV)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the model to")
    parser.add_argument("--folds", type=int, default=5, help="K-fold splits for the estimate")
    return parser.parse_args(argv)


def load_training_data(path: Path) -> pd.DataFrame:
    """Read train.csv and keep the rows whose label can be trusted.

    Dropped, and counted in the log: no numeric resale price; a placeholder price below
    MIN_RESALE; a resale price above MAX_RESALE_TO_PRICE times the list price. The last test
    needs the list price in dollars, so it runs after the unit conversion: on raw prices every
    dealer_feed row would look like a sale at 1% of list and none would ever be flagged.
    """
    csv_path = path / "train.csv" if path.is_dir() else path
    df = pd.read_csv(csv_path, dtype={ID_COLUMN: str})
    absent = missing_columns(df, [ID_COLUMN, *RAW_COLUMNS, TARGET_COLUMN])
    if absent:
        raise ValueError(f"{csv_path} is missing required columns: {', '.join(absent)}")
    target = pd.to_numeric(df[TARGET_COLUMN], errors="coerce")
    dollars = price_in_dollars(df["original_price"], df["source"].map(normalise_source))
    reasons = {
        "no resale price": target.isna(),
        f"resale price below ${MIN_RESALE:g}": target < MIN_RESALE,
        f"resale above {MAX_RESALE_TO_PRICE:g}x list price": target > MAX_RESALE_TO_PRICE * dollars,
    }
    drop = pd.Series(False, index=df.index)
    for reason, mask in reasons.items():
        new = mask & ~drop
        if new.any():
            logger.warning("dropping %d rows: %s", int(new.sum()), reason)
        drop |= mask
    df = df.loc[~drop].reset_index(drop=True)
    df[TARGET_COLUMN] = target.loc[~drop].to_numpy()
    logger.info("loaded %d usable rows from %s", len(df), csv_path)
    return df


def build_pipeline() -> TransformedTargetRegressor:
    """Cleaning -> ordinal-encoded categories -> gradient boosting on log(resale price).

    Prices are multiplicative (a listing keeps a share of its list price), so the model learns
    log(resale) from log(list price in dollars); MAE is reported back in dollars.
    """
    encode = ColumnTransformer(
        [
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=np.nan, min_frequency=5
                ),
                CATEGORICAL_FEATURES,
            ),
            ("num", "passthrough", NUMERIC_FEATURES),
        ]
    )
    model = HistGradientBoostingRegressor(
        learning_rate=0.05,
        max_iter=400,
        max_leaf_nodes=15,
        min_samples_leaf=10,
        l2_regularization=1.0,
        categorical_features=list(range(len(CATEGORICAL_FEATURES))),
        random_state=SEED,
    )
    pipeline = Pipeline(
        [("clean", FunctionTransformer(clean_features)), ("encode", encode), ("model", model)]
    )
    return TransformedTargetRegressor(regressor=pipeline, func=np.log, inverse_func=np.exp)


def cross_validated_mae(df: pd.DataFrame, n_splits: int) -> dict[str, object]:
    """Out-of-fold MAE in dollars, overall and per source.

    Listings are independent (one row per listing, no repeated items or sellers in the
    export), so shuffled K-fold is a fair split. The per-source numbers check the unit fix:
    after it, dealer_feed rows should be predicted about as well as the others.
    """
    n_splits = min(n_splits, len(df))
    if n_splits < 2:
        logger.warning("too few rows for cross-validation; skipping the estimate")
        return {}
    folds = KFold(n_splits=n_splits, shuffle=True, random_state=SEED)
    predicted = cross_val_predict(build_pipeline(), df, df[TARGET_COLUMN], cv=folds)
    errors = np.abs(predicted - df[TARGET_COLUMN].to_numpy())
    sources = df["source"].map(normalise_source).fillna("missing")
    per_source = {
        str(s): round(float(errors[(sources == s).to_numpy()].mean()), 2)
        for s in sorted(sources.unique())
    }
    return {
        "cv_mae": float(errors.mean()),
        "cv_mae_by_source": per_source,
        "cv_method": f"{n_splits}-fold shuffled KFold, out-of-fold MAE in dollars",
    }


def save_artifacts(model: TransformedTargetRegressor, out_dir: Path,
                   metadata: dict[str, object]) -> None:  # fmt: skip
    """Write the fitted model and its metadata to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out_dir / MODEL_FILE)
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    logger.info("saved model and metadata to %s", out_dir)


def train(
    df: pd.DataFrame, n_splits: int = 5
) -> tuple[TransformedTargetRegressor, dict[str, object]]:
    """Estimate the error with K-fold CV, then fit on every usable row."""
    estimate = cross_validated_mae(df, n_splits)
    if estimate:
        logger.info("cross-validated MAE: $%.2f; by source: %s", estimate["cv_mae"],
                    estimate["cv_mae_by_source"])  # fmt: skip
    model = build_pipeline().fit(df, df[TARGET_COLUMN])
    metadata: dict[str, object] = {
        "model": "HistGradientBoostingRegressor on log(resale_price)",
        "sklearn_version": sklearn.__version__,
        "features": FEATURES,
        "price_units_per_dollar": PRICE_UNITS_PER_DOLLAR,
        **estimate,
        "n_rows": len(df),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return model, metadata


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    configure_logging()
    args = parse_args(argv)
    try:
        df = load_training_data(args.data)
    except (OSError, ValueError) as exc:
        logger.error("cannot load training data: %s", exc)
        return 2
    model, metadata = train(df, args.folds)
    save_artifacts(model, args.out, metadata)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
