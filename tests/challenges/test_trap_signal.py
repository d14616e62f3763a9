"""The trap's `[signal] margin`: parsed and calibrated per challenge, measured against a
trivial model, and what it does to the evidence read off the predictions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from harness.challenges.catalog import load_catalog
from harness.challenges.model import load_trap
from harness.challenges.validation import SignalRoom
from harness.errors import HarnessError
from harness.holdout import baseline_predictions, load_holdout
from harness.trap_evidence import Signal, TrapMeasure, measure_signal, with_signal
from tests.challenges.test_catalog import TABULAR_IDS


@pytest.mark.parametrize("challenge_id", TABULAR_IDS)
def test_every_bundled_trap_calibrates_a_margin(challenge_id: str) -> None:
    trap = load_trap(load_catalog().get(challenge_id))
    assert trap.signal.margin > 0


def copy_with_trap(tmp_path: Path, extra: str) -> Path:
    challenge = load_catalog().get("customer-churn")
    folder = tmp_path / "customer-churn"
    folder.mkdir()
    shutil.copy(challenge.folder / "challenge.toml", folder)
    (folder / "private").mkdir()
    text = (challenge.folder / "private" / "trap.toml").read_text()
    start, end = text.index("[signal]"), text.index("[code]")
    (folder / "private" / "trap.toml").write_text(text[:start] + extra + text[end:])
    return folder


def test_a_missing_section_means_the_model_must_beat_the_baseline_at_all(tmp_path: Path) -> None:
    folder = copy_with_trap(tmp_path, "")
    challenge = load_catalog().get("customer-churn").model_copy(update={"folder": folder})
    assert load_trap(challenge).signal.margin == 0.0


def test_a_negative_margin_is_refused_naming_the_key(tmp_path: Path) -> None:
    folder = copy_with_trap(tmp_path, "[signal]\nmargin = -0.1\n\n")
    challenge = load_catalog().get("customer-churn").model_copy(update={"folder": folder})
    with pytest.raises(HarnessError, match=r"trap\.toml: signal\.margin"):
        load_trap(challenge)


def test_the_trivial_model_itself_has_no_lift() -> None:
    for challenge_id in ("customer-churn", "equipment-resale"):
        challenge = load_catalog().get(challenge_id)
        trap, key = load_trap(challenge), load_holdout(challenge)
        learned = measure_signal(challenge, trap, key, baseline_predictions(challenge, key))
        assert learned.lift == pytest.approx(0.0) and not learned.carries
        assert f"does not beat the trivial baseline by {trap.signal.margin:g}" in learned.reason


def test_no_predictions_no_signal() -> None:
    challenge = load_catalog().get("customer-churn")
    learned = measure_signal(challenge, load_trap(challenge), load_holdout(challenge), None)
    assert learned.lift is None and not learned.carries
    assert "not computable" in learned.detail


def test_the_lift_is_relative_for_error_metrics() -> None:
    assert Signal("mae", 60.0, 100.0, 0.2).lift == pytest.approx(0.4)
    assert Signal("mae", 90.0, 100.0, 0.2).carries is False
    assert Signal("roc_auc", 0.58, 0.5, 0.05).lift == pytest.approx(0.08)
    assert Signal("roc_auc", 0.54, 0.5, 0.05).carries is False


def test_without_signal_only_prediction_evidence_becomes_not_measurable() -> None:
    none = Signal("roc_auc", 0.5, 0.5, 0.05)
    some = Signal("roc_auc", 0.8, 0.5, 0.05)
    slices = TrapMeasure("slices", 0.0, 0.12, "balanced_accuracy 0.5 on a, 0.5 on b")
    code = TrapMeasure("code", 0.0, 0.5, "uses GroupKFold")
    gated = with_signal(slices, none)
    assert gated.value is None and gated.leaning is None
    assert gated.detail.startswith("the model does not beat the trivial baseline by 0.05")
    assert with_signal(slices, some) == slices
    assert with_signal(code, none) == code
    unknown = TrapMeasure("probes", None, 0.08, "no predictions to measure")
    assert with_signal(unknown, none) == unknown


def test_validation_needs_room_above_the_margin_on_every_seed() -> None:
    roomy = SignalRoom(0.05, (0.31, 0.33, 0.30), (0.28, 0.29, 0.27))
    assert roomy.room == pytest.approx(0.22) and roomy.ok
    tight = SignalRoom(0.25, (0.31, 0.33, 0.30), (0.28, 0.20, 0.27))
    assert tight.room is not None and tight.room < 0 and not tight.ok
    assert not SignalRoom(0.05, (0.3, None), (0.3, 0.3)).ok


def test_a_model_scored_on_a_regenerated_copy_uses_that_copys_training_data(
    tmp_path: Path,
) -> None:
    challenge = load_catalog().get("equipment-resale")
    copy = tmp_path / "copy"
    shutil.copytree(challenge.public / "data", copy / "public" / "data")
    train = pd.read_csv(copy / "public" / "data" / "train.csv")
    train["resale_price"] = pd.to_numeric(train["resale_price"], errors="coerce") * 3
    train.to_csv(copy / "public" / "data" / "train.csv", index=False)
    key = load_holdout(challenge)
    trivial = baseline_predictions(challenge, key)
    moved = challenge.model_copy(update={"folder": copy})
    learned = measure_signal(moved, load_trap(challenge), key, trivial)
    assert learned.lift is not None and learned.lift > 0
