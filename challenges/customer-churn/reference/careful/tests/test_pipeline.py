"""Train-then-predict tests on synthetic data (no data files)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from churn import predict, train


@pytest.fixture
def model_dir(tmp_path: Path, churn_frame: pd.DataFrame) -> Path:
    """Run the training CLI on a synthetic train.csv and return the artifacts folder."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    churn_frame.to_csv(data_dir / "train.csv", index=False)
    out_dir = tmp_path / "artifacts"
    assert train.main(["--data", str(data_dir), "--out", str(out_dir), "--folds", "3"]) == 0
    return out_dir


def test_training_writes_model_and_metadata(model_dir: Path) -> None:
    metadata = json.loads((model_dir / train.METADATA_FILE).read_text())
    assert (model_dir / train.MODEL_FILE).exists()
    assert metadata["features"] == train.FEATURES
    assert 0.0 <= metadata["cv_roc_auc"] <= 1.0
    assert metadata["cv_method"] == "3-fold stratified CV"
    assert metadata["excluded_as_leaky"] == ["retention_calls"]


def test_predict_cli_one_row_per_customer(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    input_csv = tmp_path / "input.csv"
    output_csv = tmp_path / "out" / "predictions.csv"
    scoring_frame.to_csv(input_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(input_csv), "--output", str(output_csv)]
    assert predict.main(args) == 0

    result = pd.read_csv(output_csv)
    assert list(result.columns) == ["customer_id", "prediction", "probability"]
    assert result["customer_id"].tolist() == scoring_frame["customer_id"].tolist()
    assert set(result["prediction"]) <= {0, 1}
    assert result["probability"].between(0, 1).all()


def test_predict_handles_unseen_categories_and_missing_values(
    model_dir: Path, scoring_frame: pd.DataFrame
) -> None:
    pipeline, threshold = predict.load_model(model_dir)
    odd = scoring_frame.head(3).copy()
    odd.loc[0, "contract"] = "lifetime"
    odd.loc[1, "region"] = None
    odd.loc[2, "tenure_months"] = None
    result = predict.predict_frame(pipeline, odd, threshold)
    assert len(result) == 3
    assert result["probability"].notna().all()


def test_predict_rejects_missing_column(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    pipeline, _ = predict.load_model(model_dir)
    with pytest.raises(predict.InputValidationError, match="contract"):
        predict.predict_frame(pipeline, scoring_frame.drop(columns="contract"))

    bad_csv = tmp_path / "bad.csv"
    scoring_frame.drop(columns="customer_id").to_csv(bad_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(bad_csv), "--output", str(tmp_path / "p.csv")]
    assert predict.main(args) == 2
    assert not (tmp_path / "p.csv").exists()


def test_retention_calls_never_change_a_prediction(
    model_dir: Path, scoring_frame: pd.DataFrame
) -> None:
    """The leak guard: calls are logged after notice, so they must not move the score."""
    pipeline, threshold = predict.load_model(model_dir)
    before = predict.predict_frame(pipeline, scoring_frame, threshold)
    after = predict.predict_frame(pipeline, scoring_frame.assign(retention_calls=3), threshold)
    pd.testing.assert_frame_equal(before, after)
