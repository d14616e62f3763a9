"""Train-then-predict tests through the command lines, on synthetic data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pumps import predict, train


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, pump_frame: pd.DataFrame) -> Path:
    """Run the training command on a synthetic train.csv; return the artifacts folder."""
    tmp_path = tmp_path_factory.mktemp("trained")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    pump_frame.to_csv(data_dir / "train.csv", index=False)
    out_dir = tmp_path / "artifacts"
    args = ["--data", str(data_dir), "--out", str(out_dir), "--folds", "3", "--repeats", "1"]
    assert train.main(args) == 0
    return out_dir


def test_training_writes_model_and_metadata(model_dir: Path) -> None:
    metadata = json.loads((model_dir / train.METADATA_FILE).read_text())
    assert (model_dir / train.MODEL_FILE).exists()
    assert metadata["features"] == train.FEATURES
    assert metadata["cv_method"] == "1x3-fold GroupKFold by pump_id"
    assert 0.0 <= metadata["cv_roc_auc"] <= 1.0


def test_training_refuses_data_without_pump_ids(tmp_path: Path, pump_frame: pd.DataFrame) -> None:
    pump_frame.drop(columns="pump_id").to_csv(tmp_path / "train.csv", index=False)
    assert train.main(["--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 2


def test_predict_writes_one_row_per_reading(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    input_csv = tmp_path / "input.csv"
    output_csv = tmp_path / "out" / "predictions.csv"
    scoring_frame.to_csv(input_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(input_csv), "--output", str(output_csv)]
    assert predict.main(args) == 0

    result = pd.read_csv(output_csv)
    assert list(result.columns) == ["reading_id", "prediction", "probability"]
    assert result["reading_id"].tolist() == scoring_frame["reading_id"].tolist()
    assert set(result["prediction"]) <= {0, 1}
    assert result["probability"].between(0, 1).all()


def test_prediction_does_not_depend_on_the_pump_id(
    model_dir: Path, scoring_frame: pd.DataFrame
) -> None:
    pipeline, threshold = predict.load_model(model_dir)
    renamed = scoring_frame.assign(pump_id="PU-never-seen")
    pd.testing.assert_frame_equal(
        predict.predict_frame(pipeline, scoring_frame, threshold),
        predict.predict_frame(pipeline, renamed, threshold),
    )


def test_predict_copes_with_unseen_categories_and_blanks(
    model_dir: Path, scoring_frame: pd.DataFrame
) -> None:
    pipeline, threshold = predict.load_model(model_dir)
    odd = scoring_frame.head(3).copy()
    odd.loc[odd.index[0], "model"] = "ZZ-1"
    odd.loc[odd.index[1], "site"] = None
    odd.loc[odd.index[2], "runtime_hours"] = "unknown"
    result = predict.predict_frame(pipeline, odd, threshold)
    assert len(result) == 3
    assert result["probability"].notna().all()


def test_predict_rejects_a_missing_column(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    pipeline, _ = predict.load_model(model_dir)
    with pytest.raises(predict.InputValidationError, match="vibration_mm_s"):
        predict.predict_frame(pipeline, scoring_frame.drop(columns="vibration_mm_s"))

    bad_csv = tmp_path / "bad.csv"
    scoring_frame.drop(columns="reading_id").to_csv(bad_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(bad_csv), "--output", str(tmp_path / "p.csv")]
    assert predict.main(args) == 2
    assert not (tmp_path / "p.csv").exists()
