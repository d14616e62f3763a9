"""The trap verdict on submissions unlike the references: a model that learned nothing gets
no credit, an optimistic estimate is not read as leaning where slices and probes say the
model is clean, and it still counts where the estimate is the trap's only behaviour.

Predictions come from real scikit-learn models fitted on each challenge's public training
data and run on its hidden holdout features; the submissions are small folders in styles the
references do not use (one script, a notebook-free flat layout)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from harness.challenges.catalog import load_catalog
from harness.challenges.model import Challenge
from harness.checks import REGISTRY
from harness.checks.context import CheckContext
from harness.holdout import load_holdout
from harness.models import ChallengeRef, Finding, TrapAssessment
from harness.report import build_followup
from harness.trap_assessment import assess_trap, judged_measures
from tests.checks.contexts import make_context
from tests.report.sample import sample_result

TRAP_CHECKS = ("trap.behaviour", "trap.estimate", "trap.code", "trap.writeup")
Model = Callable[[pd.DataFrame, pd.Series, pd.DataFrame], np.ndarray]
"""Fit on (features, target), return predictions (probabilities of the positive label for
classification) for the holdout features."""


def tidy(frame: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Numbers where a column is mostly numeric, one spelling per category, one-hot; text
    with too many values to one-hot is left out."""
    out = {}
    for column in frame.columns.drop(list(drop)):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        text = frame[column].astype("string").str.lower().str.replace(r"[\s_-]+", " ", regex=True)
        if numbers.notna().mean() > 0.5:
            out[column] = numbers
        elif text.nunique() <= 40:
            out[column] = text.str.strip()
    return pd.get_dummies(pd.DataFrame(out), dtype=float)


def features(challenge: Challenge) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    train = pd.read_csv(challenge.train_data / "train.csv", dtype={challenge.id_column: str})
    holdout = pd.read_csv(load_holdout(challenge).features, dtype={challenge.id_column: str})
    target = pd.to_numeric(train[challenge.target], errors="coerce")
    keep = target.notna().to_numpy()
    return train.loc[keep].drop(columns=[challenge.target]), target[keep], holdout


def write_predictions(challenge: Challenge, holdout: pd.DataFrame, values: np.ndarray,
                      folder: Path) -> Path:  # fmt: skip
    frame = pd.DataFrame({challenge.id_column: holdout[challenge.id_column]})
    if challenge.probability:
        frame["prediction"] = (values >= 0.5).astype(int)
        frame["probability"] = values
    else:
        frame["prediction"] = values
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "predictions.csv"
    frame.to_csv(path, index=False)
    return path


def submission(folder: Path, challenge: Challenge, estimate: tuple[str, float, str],
               script: str, writeup: str) -> Path:  # fmt: skip
    """One flat script and a short write-up, unlike the references' layouts."""
    folder.mkdir(parents=True)
    metric, value, method = estimate
    (folder / "assessment.toml").write_text(
        f'[submission]\nchallenge = "{challenge.id}"\n\n[commands]\n'
        'train = "python run.py fit {data} {artifacts}"\n'
        'predict = "python run.py score {artifacts} {input} {output}"\n\n'
        f'[estimate]\nmetric = "{metric}"\nvalue = {value}\nmethod = "{method}"\n'
    )
    (folder / "run.py").write_text(script)
    (folder / "WRITEUP.md").write_text(writeup)
    return folder


SCRIPT = '''"""Fit and score in one file."""
import sys

import joblib
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier


def fit(data, artifacts):
    frame = pd.read_csv(f"{data}/train.csv")
    model = HistGradientBoostingClassifier().fit(frame.select_dtypes("number"), frame.iloc[:, -1])
    joblib.dump(model, f"{artifacts}/model.joblib")


if __name__ == "__main__":
    fit(sys.argv[2], sys.argv[3])
'''
NOTES = "# Notes\n\nA quick model on the numeric columns. It scored well in validation.\n"


def judged(context: CheckContext) -> tuple[TrapAssessment, list[Finding]]:
    findings = [REGISTRY[check].run(context) for check in TRAP_CHECKS]
    return assess_trap(context, findings), findings


def finding(findings: list[Finding], check: str) -> Finding:
    return next(f for f in findings if f.check == check)


def trap_questions(challenge: Challenge, assessment: TrapAssessment) -> list[str]:
    result = sample_result(with_followup=False).model_copy(
        update={"trap": assessment, "challenge": ChallengeRef(id=challenge.id, version="1")}
    )
    return [q.question for q in build_followup(result, challenge.folder).questions]


def constant(value: float) -> Model:
    return lambda _x, _y, holdout: np.full(len(holdout), value)


def base_rate(_x: pd.DataFrame, target: pd.Series, holdout: pd.DataFrame) -> np.ndarray:
    return np.full(len(holdout), float(target.mean()))


def as_given(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def boosted(drop: tuple[str, ...], prepare: Callable[[pd.DataFrame], pd.DataFrame] = as_given,
            ) -> Model:  # fmt: skip
    def fit(train: pd.DataFrame, target: pd.Series, holdout: pd.DataFrame) -> np.ndarray:
        both = prepare(pd.concat([train, holdout], ignore_index=True))
        both = tidy(both, drop=(*drop, train.columns[0]))
        x, rest = both.iloc[: len(train)], both.iloc[len(train) :]
        if target.nunique() == 2:
            model = HistGradientBoostingClassifier(random_state=0).fit(x, target)
            return np.asarray(model.predict_proba(rest)[:, 1])
        regressor = HistGradientBoostingRegressor(random_state=0).fit(x, target)
        return np.asarray(regressor.predict(rest))

    return fit


def dollars(frame: pd.DataFrame) -> pd.DataFrame:
    """original_price in one unit: the dealer feed's cents divided by 100."""
    out = frame.copy()
    source = out["source"].astype("string").str.lower().str.replace(r"[\s_-]+", " ", regex=True)
    price = pd.to_numeric(out["original_price"], errors="coerce")
    out["original_price"] = price.where(source.str.strip() != "dealer feed", price / 100)
    return out


def context_for(tmp_path: Path, challenge_id: str, model: Model,
                estimate: tuple[str, float, str], notes: str = NOTES) -> CheckContext:  # fmt: skip
    challenge = load_catalog().get(challenge_id)
    train, target, holdout = features(challenge)
    values = model(train, target, holdout)
    path = write_predictions(challenge, holdout, values, tmp_path / "out")
    root = submission(tmp_path / "submission", challenge, estimate, SCRIPT, notes)
    return make_context(root, predictions_file=path)


NO_SIGNAL = [
    ("customer-churn", "constant", constant(0.5), ("roc_auc", 0.5, "none")),
    ("customer-churn", "base rate", base_rate, ("roc_auc", 0.52, "train split")),
    ("equipment-resale", "constant", constant(250.0), ("mae", 90.0, "none")),
    ("equipment-resale", "base rate", base_rate, ("mae", 95.0, "train mean")),
]


@pytest.mark.parametrize(
    ("challenge_id", "style", "model", "estimate"),
    NO_SIGNAL,
    ids=[f"{c}-{s}" for c, s, *_ in NO_SIGNAL],
)
def test_a_model_that_learned_nothing_gets_no_credit(
    tmp_path: Path, challenge_id: str, style: str, model: Model, estimate: tuple[str, float, str]
) -> None:
    context = context_for(tmp_path, challenge_id, model, estimate)
    assessment, findings = judged(context)
    assert assessment.verdict == "unknown", assessment.summary
    assert "does not beat the trivial baseline" in assessment.summary
    behaviour = finding(findings, "trap.behaviour")
    assert behaviour.message.startswith("not measurable: the model does not beat")
    assert behaviour.score == 0.0
    assert all(e.value is None for e in behaviour.evidence if e.excerpt and
               e.excerpt.startswith(("slices:", "probes:")))  # fmt: skip
    questions = " ".join(trap_questions(context.challenge, assessment))
    assert not re.search(r"\bkept\b|\bput every\b|out of the model", questions), questions


def test_words_alone_do_not_turn_a_model_without_signal_into_handled(tmp_path: Path) -> None:
    notes = "# Notes\n\nretention_calls is a leak: recorded after the outcome, so I dropped it.\n"
    context = context_for(tmp_path, "customer-churn", constant(0.3), ("roc_auc", 0.8, "cv"), notes)
    assessment, findings = judged(context)
    assert finding(findings, "trap.writeup").status == "pass"
    assert assessment.verdict == "unknown"
    assert "words alone never count as handling" in assessment.summary


def test_a_good_model_that_does_not_lean_is_still_handled(tmp_path: Path) -> None:
    model = boosted(drop=("retention_calls",))
    context = context_for(tmp_path, "customer-churn", model, ("roc_auc", 0.78, "5-fold cv"))
    assessment, findings = judged(context)
    assert assessment.verdict == "handled", assessment.summary
    signal = [e for e in finding(findings, "trap.behaviour").evidence
              if (e.excerpt or "").startswith("signal:")]  # fmt: skip
    assert signal and isinstance(signal[0].value, float) and signal[0].value > 0.1


def test_a_model_that_leans_still_shows_it(tmp_path: Path) -> None:
    context = context_for(tmp_path, "customer-churn", boosted(drop=()), ("roc_auc", 0.8, "cv"))
    assessment, _ = judged(context)
    assert assessment.verdict == "missed", assessment.summary
    assert "slices" in assessment.summary and "probes" in assessment.summary


def test_units_converted_is_handled_on_equipment_resale(tmp_path: Path) -> None:
    model = boosted(drop=(), prepare=dollars)
    context = context_for(tmp_path, "equipment-resale", model, ("mae", 55.0, "kfold"))
    assessment, _ = judged(context)
    assert assessment.verdict == "handled", assessment.summary


def test_an_in_sample_estimate_is_optimism_not_leaning_where_slices_are_clean(
    tmp_path: Path,
) -> None:
    model = boosted(drop=("retention_calls",))
    estimate = ("roc_auc", 0.99, "AUC of the fitted model on train.csv")
    context = context_for(tmp_path, "customer-churn", model, estimate)
    assessment, findings = judged(context)
    optimism = finding(findings, "trap.estimate")
    assert optimism.message.startswith("optimistic estimate: claimed roc_auc 0.99")
    assert "leak" not in optimism.message and optimism.status == "fail"
    assert assessment.verdict not in ("missed", "noticed_not_handled"), assessment.summary
    assert assessment.verdict == "handled"
    assert "estimate" not in assessment.summary


def test_on_pump_failure_an_optimistic_estimate_still_counts(tmp_path: Path) -> None:
    model = boosted(drop=("pump_id",))
    estimate = ("roc_auc", 0.97, "shuffled 5-fold cross-validation")
    context = context_for(tmp_path, "pump-failure", model, estimate)
    assessment, findings = judged(context)
    assert finding(findings, "trap.estimate").message.startswith("optimistic estimate")
    assert assessment.verdict == "missed", assessment.summary
    assert "optimistic estimate" in assessment.summary


def test_on_pump_failure_an_honest_estimate_of_a_model_without_signal_is_not_evidence(
    tmp_path: Path,
) -> None:
    context = context_for(tmp_path, "pump-failure", constant(0.2), ("roc_auc", 0.5, "none"))
    raw = context.trap_measure("estimate")
    assert raw is not None and raw.value is not None and not raw.leaning
    assert context.trap is not None
    judged_by = {m.kind: m for m in judged_measures(context, context.trap)}
    assert set(judged_by) == {"estimate", "code"}
    assert judged_by["estimate"].value is None
    assert "does not beat the trivial baseline" in judged_by["estimate"].detail
    assessment, _ = judged(context)
    assert "clean on estimate" not in assessment.summary


def test_the_facts_a_question_rests_on_follow_the_verdict_s_reading(tmp_path: Path) -> None:
    """`leans_in_behaviour` is what the verdict reads: a model without signal has none, a
    model using the leaky column does, one without it does not."""
    from harness.checks.facts import submission_facts

    cases = [(constant(0.5), False, "a"), (boosted(drop=()), True, "b"),
             (boosted(drop=("retention_calls",)), False, "c")]  # fmt: skip
    for model, leans, name in cases:
        context = context_for(tmp_path / name, "customer-churn", model, ("roc_auc", 0.8, "cv"))
        facts = submission_facts(context)
        assert facts["leans_in_behaviour"] is leans, name
        assert facts["beats_baseline"] is (name != "a"), name
