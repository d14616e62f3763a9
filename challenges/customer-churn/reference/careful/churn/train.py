"""Train the churn model: ``python -m churn.train --data DIR --out DIR``."""

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
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from churn import configure_logging
from churn.features import (
    CATEGORICAL_FEATURES,
    FEATURES,
    ID_COLUMN,
    LEAKY_COLUMNS,
    NUMERIC_FEATURES,
    TARGET_COLUMN,
    clean_features,
    missing_columns,
)

logger = logging.getLogger("churn.train")

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
THRESHOLD = 0.5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Train the customer churn model.")
    parser.add_argument("--data", type=Path, required=True, help="folder with train.csv (or a CSV)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the model to")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the estimate")
    return parser.parse_args(argv)


def load_training_data(path: Path) -> pd.DataFrame:
    """Read train.csv, check required columns and drop rows without a valid label."""
    csv_path = path / "train.csv" if path.is_dir() else path
    df = pd.read_csv(csv_path)
    absent = missing_columns(df, [*FEATURES, ID_COLUMN, TARGET_COLUMN])
    if absent:
        raise ValueError(f"{csv_path} is missing required columns: {', '.join(absent)}")
    df[TARGET_COLUMN] = pd.to_numeric(df[TARGET_COLUMN], errors="coerce")
    valid = df[TARGET_COLUMN].isin([0, 1]) & df[ID_COLUMN].notna()
    if (~valid).any():
        logger.warning("dropping %d rows with a missing/invalid label or id", int((~valid).sum()))
    df = df.loc[valid].reset_index(drop=True)
    df[TARGET_COLUMN] = df[TARGET_COLUMN].astype(int)
    duplicated = int(df[ID_COLUMN].duplicated().sum())
    if duplicated:
        logger.warning("%d customers appear more than once; keeping the first row", duplicated)
        df = df.drop_duplicates(subset=ID_COLUMN).reset_index(drop=True)
    logger.info("loaded %d customers from %s", len(df), csv_path)
    return df


def build_pipeline() -> Pipeline:
    """Cleaning -> impute/scale numerics, impute/one-hot categoricals -> logistic regression."""
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("onehot", OneHotEncoder(handle_unknown="ignore", min_frequency=10)),
        ]
    )
    preprocess = ColumnTransformer(
        [("num", numeric, NUMERIC_FEATURES), ("cat", categorical, CATEGORICAL_FEATURES)]
    )
    return Pipeline(
        [
            ("clean", FunctionTransformer(clean_features)),
            ("preprocess", preprocess),
            ("model", LogisticRegression(C=1.0, max_iter=1000)),
        ]
    )


def cv_auc(df: pd.DataFrame, n_splits: int) -> list[float]:
    """ROC AUC per fold of a stratified split (one row per customer, so no grouping needed)."""
    n_splits = min(n_splits, int(df[TARGET_COLUMN].value_counts().min()))
    if n_splits < 2:
        logger.warning("too few customers of each class for cross-validation; no estimate")
        return []
    scores = cross_val_score(
        build_pipeline(),
        df.drop(columns=list(LEAKY_COLUMNS), errors="ignore"),
        df[TARGET_COLUMN],
        cv=StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0),
        scoring="roc_auc",
    )
    return [float(s) for s in scores]


def save_artifacts(pipeline: Pipeline, out_dir: Path, metadata: dict[str, object]) -> None:
    """Write the fitted pipeline and its metadata to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, out_dir / MODEL_FILE)
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    logger.info("saved model and metadata to %s", out_dir)


def train(df: pd.DataFrame, n_splits: int = 5) -> tuple[Pipeline, dict[str, object]]:
    """Estimate performance with stratified CV, then fit on all rows (leaky columns dropped)."""
    scores = cv_auc(df, n_splits)
    valid = [s for s in scores if not np.isnan(s)]
    cv_mean = float(np.mean(valid)) if valid else None
    if cv_mean is not None:
        logger.info(
            "stratified CV ROC AUC: %.3f +/- %.3f (%d folds)", cv_mean, np.std(valid), len(valid)
        )
    features = df.drop(columns=list(LEAKY_COLUMNS), errors="ignore")
    pipeline = build_pipeline().fit(features, df[TARGET_COLUMN])
    metadata: dict[str, object] = {
        "model": "LogisticRegression",
        "sklearn_version": sklearn.__version__,
        "features": FEATURES,
        "excluded_as_leaky": list(LEAKY_COLUMNS),
        "threshold": THRESHOLD,
        "cv_metric": "roc_auc",
        "cv_method": f"{len(scores)}-fold stratified CV",
        "cv_roc_auc": cv_mean,
        "cv_fold_scores": scores,
        "n_customers": len(df),
        "churn_rate": float(df[TARGET_COLUMN].mean()),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return pipeline, metadata


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    configure_logging()
    args = parse_args(argv)
    try:
        df = load_training_data(args.data)
    except (OSError, ValueError) as exc:
        logger.error("cannot load training data: %s", exc)
        return 2
    pipeline, metadata = train(df, args.folds)
    save_artifacts(pipeline, args.out, metadata)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
