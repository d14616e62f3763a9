"""One reader of the predictions file: a BOM is accepted everywhere, and non-finite values
are one contract violation, named with their rows, that no measure ever sees."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from harness.challenges.catalog import load_catalog
from harness.challenges.model import Challenge, Trap, load_trap
from harness.checks import REGISTRY
from harness.contract import load_contract
from harness.holdout import HoldoutKey, load_holdout, read_predictions
from harness.models import StageName
from harness.sandbox.stages import StageInputs, StageLogic, StageRun, not_run
from harness.selfcheck.predictions import check_predictions
from harness.trap_assessment import trap_verdict
from harness.trap_evidence import Submitted, measure
from tests.checks.contexts import make_context

NAIVE = Path(__file__).resolve().parents[1] / "challenges/customer-churn/reference/naive"
BOM = "\ufeff"


@pytest.fixture(scope="module")
def churn() -> tuple[Challenge, Trap, HoldoutKey]:
    challenge = load_catalog().get("customer-churn")
    return challenge, load_trap(challenge), load_holdout(challenge)


class Wrote(StageLogic):
    """The stage logic over a predict command that wrote `folder/predictions.csv`."""

    def __init__(self, folder: Path, features: Path) -> None:
        contract = load_contract(NAIVE)
        self.inputs = StageInputs(NAIVE, NAIVE, features, contract, "image", "customer_id")
        self.folder = folder

    def run(self, stage: StageName, command: str, **extra: str) -> StageRun:
        return StageRun(not_run("").result.model_copy(update={"verdict": "ok", "reason": ""}))

    def fetch_output(self, stage: StageName) -> tuple[Path | None, str | None]:
        return self.folder, None


def honest_csv(key: HoldoutKey, folder: Path, *, bom: bool = False, inf_id: str | None = None,
               ) -> Path:  # fmt: skip
    """Predictions of a model that handled the trap: perfect on the labelled rows, 0.3 on
    every probe; `inf_id` gets an infinite probability."""
    ids = pd.read_csv(key.features, dtype=str)["customer_id"]
    truth = key.labels["target"].reindex(ids).fillna(0).astype(float)
    probability = truth.where(ids.isin(key.labels.index).to_numpy(), 0.3)
    probability[ids.isin(key.probes["id"]).to_numpy()] = 0.3
    frame = pd.DataFrame({"customer_id": ids.to_numpy(), "probability": probability.to_numpy()})
    frame.insert(1, "prediction", frame["probability"].round())
    if inf_id is not None:
        frame.loc[frame["customer_id"] == inf_id, "probability"] = float("inf")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "predictions.csv"
    path.write_text((BOM if bom else "") + frame.to_csv(index=False), encoding="utf-8")
    return path


def test_a_bom_is_accepted_by_the_predict_stage_the_checks_and_the_self_check(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, _trap, key = churn
    path = honest_csv(key, tmp_path / "out", bom=True)
    predict = Wrote(path.parent, key.features).predict()
    assert predict.result.verdict == "ok", predict.result.reason
    assert check_predictions(path, key.features, challenge).status == "pass"
    context = make_context(NAIVE, predictions_file=path)
    assert REGISTRY["correctness.contract"].run(context).status == "pass"
    assert read_predictions(path, challenge).index.name == "customer_id"


def test_one_inf_row_is_named_once_and_moves_no_verdict(
    churn: tuple[Challenge, Trap, HoldoutKey], tmp_path: Path
) -> None:
    challenge, trap, key = churn
    probe = str(key.probes["id"].iloc[0])
    clean = honest_csv(key, tmp_path / "clean")
    broken = honest_csv(key, tmp_path / "broken", inf_id=probe)

    def leanings(path: Path) -> list[bool | None]:
        submitted = Submitted(read_predictions(path, challenge), None, NAIVE)
        return [measure(kind, challenge, trap, key, submitted).leaning
                for kind in ("slices", "probes")]  # fmt: skip

    assert leanings(broken) == leanings(clean) == [False, False]
    assert trap_verdict(leanings(broken), False) == trap_verdict(leanings(clean), False)

    predict = Wrote(broken.parent, key.features).predict()
    assert predict.result.verdict == "invalid_output"
    assert "non-finite" in predict.result.reason and repr(probe) in predict.result.reason
    finding = REGISTRY["correctness.contract"].run(make_context(NAIVE, predictions_file=broken))
    assert finding.status != "pass"
    assert finding.message.count("non-finite") == 1 and repr(probe) in finding.message
    assert "outside [0, 1]" not in finding.message
    item = check_predictions(broken, key.features, challenge)
    assert item.status == "fail" and repr(probe) in item.message


def test_non_finite_ids_are_capped(churn: tuple[Challenge, Trap, HoldoutKey],
                                   tmp_path: Path) -> None:  # fmt: skip
    challenge, _trap, key = churn
    path = tmp_path / "predictions.csv"
    rows = "".join(f"id{n},1,{value}\n" for n, value in enumerate(["inf", "-inf", "nan"] * 4))
    path.write_text("customer_id,prediction,probability\n" + rows + "ok,1,0.5\n")
    frame = read_predictions(path, challenge)
    assert list(frame.index) == ["ok"]
    item = check_predictions(path, key.features, challenge)
    assert "12 rows with non-finite" in item.message and "'id5'" not in item.message
