"""Train-then-predict tests on synthetic data (no data files)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resale import predict, train


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, listings: pd.DataFrame) -> Path:
    """Run the training CLI on a synthetic train.csv and return the artifacts folder."""
    root = tmp_path_factory.mktemp("run")
    data_dir = root / "data"
    data_dir.mkdir()
    listings.to_csv(data_dir / "train.csv", index=False)
    out_dir = root / "artifacts"
    assert train.main(["--data", str(data_dir), "--out", str(out_dir), "--folds", "3"]) == 0
    return out_dir


def test_training_writes_model_and_metadata(model_dir: Path) -> None:
    metadata = json.loads((model_dir / train.METADATA_FILE).read_text())
    assert (model_dir / train.MODEL_FILE).exists()
    assert metadata["features"] == train.FEATURES
    assert metadata["cv_mae"] > 0
    assert set(metadata["cv_mae_by_source"]) == {"marketplace", "auction", "dealer_feed"}


def test_bad_labels_are_dropped(tmp_path: Path, listings: pd.DataFrame) -> None:
    frame = listings.head(6).copy()
    frame.loc[0, "resale_price"] = None  # no label
    frame.loc[1, "resale_price"] = 1.0  # placeholder sale
    frame.loc[2, "resale_price"] = float(frame.loc[2, "resale_price"]) * 1000  # keying error
    csv = tmp_path / "train.csv"
    frame.to_csv(csv, index=False)
    loaded = train.load_training_data(csv)
    assert loaded["listing_id"].tolist() == frame["listing_id"].iloc[3:].tolist()


def test_dealer_rows_are_not_flagged_as_keying_errors(
    tmp_path: Path, listings: pd.DataFrame
) -> None:
    """On raw prices a dealer row looks like a sale at 1% of list; in dollars it is normal."""
    dealer = listings[
        (listings["source"] == "dealer_feed") & (listings["resale_price"] >= train.MIN_RESALE)
    ]
    dealer.to_csv(tmp_path / "train.csv", index=False)
    assert len(train.load_training_data(tmp_path)) == len(dealer)


def test_predict_cli_one_row_per_listing(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    input_csv = tmp_path / "input.csv"
    output_csv = tmp_path / "out" / "predictions.csv"
    scoring_frame.to_csv(input_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(input_csv), "--output", str(output_csv)]
    assert predict.main(args) == 0
    result = pd.read_csv(output_csv, dtype={"listing_id": str})
    assert list(result.columns) == ["listing_id", "prediction"]
    assert result["listing_id"].tolist() == scoring_frame["listing_id"].tolist()
    assert (result["prediction"] >= 0).all() and result["prediction"].notna().all()


def test_the_unit_does_not_change_the_prediction(
    model_dir: Path, scoring_frame: pd.DataFrame
) -> None:
    """The same item, listed in dollars and sent by the dealer feed in cents, is priced alike."""
    model = predict.load_model(model_dir)
    dollars = scoring_frame.assign(source="marketplace")
    dollars["original_price"] = pd.to_numeric(dollars["original_price"], errors="coerce")
    is_cents = scoring_frame["source"] == "dealer_feed"
    dollars.loc[is_cents, "original_price"] = dollars.loc[is_cents, "original_price"] / 100
    cents = dollars.assign(source="dealer_feed", original_price=dollars["original_price"] * 100)
    a = predict.predict_frame(model, dollars)["prediction"].to_numpy()
    b = predict.predict_frame(model, cents)["prediction"].to_numpy()
    assert np.mean(np.abs(a - b) / ((a + b) / 2)) < 0.1


def test_predict_handles_odd_values(model_dir: Path, scoring_frame: pd.DataFrame) -> None:
    model = predict.load_model(model_dir)
    odd = scoring_frame.head(4).copy().astype(object)
    odd.loc[0, "category"] = "drones"
    odd.loc[1, "age_months"] = "n/a"
    odd.loc[2, "source"] = "new_partner"
    odd.loc[3, "original_price"] = None
    result = predict.predict_frame(model, odd)
    assert len(result) == 4
    assert result["prediction"].notna().all()


def test_predict_empty_input(model_dir: Path, scoring_frame: pd.DataFrame) -> None:
    result = predict.predict_frame(predict.load_model(model_dir), scoring_frame.head(0))
    assert list(result.columns) == ["listing_id", "prediction"] and result.empty


def test_predict_rejects_missing_column(
    model_dir: Path, scoring_frame: pd.DataFrame, tmp_path: Path
) -> None:
    model = predict.load_model(model_dir)
    with pytest.raises(predict.InputValidationError, match="source"):
        predict.predict_frame(model, scoring_frame.drop(columns="source"))
    bad_csv = tmp_path / "bad.csv"
    scoring_frame.drop(columns="listing_id").to_csv(bad_csv, index=False)
    args = ["--model", str(model_dir), "--input", str(bad_csv), "--output", str(tmp_path / "p.csv")]
    assert predict.main(args) == 2
    assert not (tmp_path / "p.csv").exists()
