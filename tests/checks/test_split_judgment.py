"""Hand-written group-aware splits, end to end on the pump-failure challenge: the code check
passes, validation sees the split, and a behaviourally clean submission is `handled`, not
`noticed_not_handled`. A split over rows still fails; code where no split is recognised is
no evidence either way. The references still separate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from harness.challenges.catalog import load_catalog
from harness.challenges.model import Challenge
from harness.checks import REGISTRY
from harness.checks.context import CheckContext
from harness.holdout import load_holdout
from harness.models import Finding, TrapAssessment
from harness.trap_assessment import assess_trap
from tests.checks.contexts import make_context

CHECKS = ("trap.behaviour", "trap.estimate", "trap.code", "trap.writeup", "judgment.validation")

HAND_ROLLED = """# exported from explore.ipynb
import numpy as np, pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier as HGB

raw = pd.read_csv(DATA + "/train.csv")
NUM = raw.select_dtypes("number").columns.drop("failed_30d")
units = raw["pump_id"].drop_duplicates().sample(frac=1.0, random_state=11).to_numpy()
for bucket in np.array_split(units, 5):
    seen_ = raw.loc[~raw["pump_id"].isin(bucket)]
    unseen_ = raw.loc[raw["pump_id"].isin(bucket)]
    clf = HGB().fit(seen_[NUM], seen_.failed_30d)
    print(score(unseen_.failed_30d, clf.predict_proba(unseen_[NUM])[:, 1]))
"""

ROWS_ONLY = """from sklearn.model_selection import StratifiedKFold, cross_val_score
raw = pd.read_csv(DATA + "/train.csv")
folds = StratifiedKFold(5, shuffle=True).split(raw, raw.failed_30d, groups=raw["pump_id"])
print(cross_val_score(model, X, y, cv=list(folds)))
"""

NO_SPLIT = """import pandas as pd
raw = pd.read_csv(DATA + "/train.csv")
model.fit(raw.drop(columns=["pump_id", "reading_id", "failed_30d"]), raw.failed_30d)
"""

NOTES = (
    "# Pumps\n\nThe same pump appears in many readings, so I validated on unseen pumps: "
    "every pump's readings in one fold. Expect about the AUC below on new pumps.\n"
)


@pytest.fixture(scope="module")
def pumps() -> Challenge:
    return load_catalog().get("pump-failure")


@pytest.fixture(scope="module")
def predicted(pumps: Challenge, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """Predictions of a real model on the hidden holdout, and its AUC on new pumps."""
    train = pd.read_csv(pumps.train_data / "train.csv")
    key = load_holdout(pumps)
    holdout = pd.read_csv(key.features, dtype={pumps.id_column: str})
    numeric = [c for c in train.select_dtypes("number").columns if c != pumps.target]
    model = HistGradientBoostingClassifier(random_state=0)
    model.fit(train[numeric], train[pumps.target])
    values = model.predict_proba(holdout[numeric])[:, 1]
    frame = pd.DataFrame({pumps.id_column: holdout[pumps.id_column], "probability": values})
    frame["prediction"] = (values >= 0.5).astype(int)
    path = tmp_path_factory.mktemp("predictions") / "predictions.csv"
    frame.to_csv(path, index=False)
    new = key.labels[key.labels["slice"] == "new_pumps"]
    scored = frame.set_index(pumps.id_column).loc[new.index, "probability"]
    return path, float(roc_auc_score(new["target"], np.asarray(scored)))


def submission(folder: Path, script: str, auc: float) -> Path:
    folder.mkdir(parents=True)
    (folder / "assessment.toml").write_text(
        '[submission]\nchallenge = "pump-failure"\n\n[commands]\n'
        'train = "python fit.py {data} {artifacts}"\n'
        'predict = "python fit.py {artifacts} {input} {output}"\n\n'
        f'[estimate]\nmetric = "roc_auc"\nvalue = {auc:.3f}\n'
        'method = "five folds of whole pumps, written by hand"\n'
    )
    (folder / "fit.py").write_text(script)
    (folder / "README.md").write_text(NOTES)
    return folder


def judged(context: CheckContext) -> tuple[TrapAssessment, dict[str, Finding]]:
    findings = {check: REGISTRY[check].run(context) for check in CHECKS}
    return assess_trap(context, list(findings.values())), findings


def test_a_hand_rolled_group_split_is_handled(
    tmp_path: Path, predicted: tuple[Path, float]
) -> None:
    predictions, auc = predicted
    context = make_context(
        submission(tmp_path / "s", HAND_ROLLED, auc), predictions_file=predictions
    )
    assessment, findings = judged(context)
    code = findings["trap.code"]
    assert code.status == "pass" and "group-aware split" in code.message
    assert any(e.path == "fit.py" and "isin(bucket)" in (e.excerpt or "") for e in code.evidence)
    assert findings["trap.writeup"].status == "pass"
    assert assessment.verdict == "handled", assessment.summary
    validation = findings["judgment.validation"]
    assert "no split" not in validation.message and "folds split by hand" in validation.message


def test_a_split_over_rows_is_not_group_aware_even_with_groups(
    tmp_path: Path, predicted: tuple[Path, float]
) -> None:
    predictions, auc = predicted
    context = make_context(submission(tmp_path / "s", ROWS_ONLY, auc), predictions_file=predictions)
    assessment, findings = judged(context)
    code = findings["trap.code"]
    assert code.status == "fail" and "StratifiedKFold over rows" in code.message
    assert assessment.verdict == "noticed_not_handled"


def test_code_with_no_split_recognised_is_no_evidence(
    tmp_path: Path, predicted: tuple[Path, float]
) -> None:
    predictions, auc = predicted
    context = make_context(submission(tmp_path / "s", NO_SPLIT, auc), predictions_file=predictions)
    measured = context.trap_measure("code")
    assert measured is not None and measured.value is None and measured.leaning is None
    assessment, findings = judged(context)
    assert findings["trap.code"].status == "skipped"
    assert "not measurable" in findings["trap.code"].message
    assert assessment.verdict != "noticed_not_handled"


@pytest.mark.parametrize(("reference", "value"), [("naive", 1.0), ("careful", 0.0)])
def test_the_references_still_separate(pumps: Challenge, reference: str, value: float) -> None:
    context = make_context(pumps.reference(reference))
    measured = context.trap_measure("code")
    assert measured is not None and measured.value == value
    status = REGISTRY["trap.code"].run(context).status
    assert status == ("fail" if reference == "naive" else "pass")
