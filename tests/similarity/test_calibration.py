"""The properties the thresholds were calibrated on, with real copydetect on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.similarity import DEFAULT_THRESHOLD, find_similar
from harness.similarity.compare import common_fingerprints
from tests.similarity.solutions import DISGUISED, INDEPENDENT, LOGISTIC, Folder, write_folder

CHURN = Path(__file__).resolve().parents[2] / "challenges" / "customer-churn"
REFERENCES = {"naive": CHURN / "reference" / "naive", "careful": CHURN / "reference" / "careful"}
BUNDLE = [CHURN / "public" / "brief.md"]


def cohort(root: Path, folders: dict[str, Folder]) -> dict[str, Path]:
    return {name: write_folder(root / name, files) for name, files in folders.items()}


def test_independent_solutions_and_the_references_fall_below_the_threshold(
    tmp_path: Path,
) -> None:
    submissions = cohort(tmp_path, INDEPENDENT) | REFERENCES  # the references as candidates too
    assert find_similar(submissions, {}, BUNDLE) == []
    everything = find_similar(submissions, {}, BUNDLE, threshold=0.0)
    assert len(everything) == 15
    assert max(p.score for p in everything) < DEFAULT_THRESHOLD / 2  # calibrated: 0.15 at most
    # naive and careful share structure, not code: below even with nothing dropped
    assert (
        find_similar({"naive": REFERENCES["naive"]}, {"careful": REFERENCES["careful"]}, []) == []
    )
    # each candidate against the references: only the references themselves match
    pairs = find_similar(submissions, REFERENCES, BUNDLE)
    assert [(p.a, p.b, p.score) for p in pairs] == [
        ("careful", "reference:careful", 1.0),
        ("naive", "reference:naive", 1.0),
    ]


def test_a_disguised_copy_is_flagged_with_its_fragments(tmp_path: Path) -> None:
    submissions = cohort(tmp_path, INDEPENDENT | {"disguised": DISGUISED})
    pairs = find_similar(submissions, REFERENCES, BUNDLE)
    assert [(p.a, p.b) for p in pairs] == [("disguised", "logistic")]
    pair = pairs[0]
    assert DEFAULT_THRESHOLD <= pair.score <= 1
    assert 1 <= len(pair.fragments) <= 8
    files = {f.file for f in pair.fragments}
    assert files <= {"model/fit.py", "model/prep.py", "model/__init__.py"}
    assert {f.other_file for f in pair.fragments} <= set(LOGISTIC)
    for fragment in pair.fragments:
        assert 1 <= fragment.lines[0] <= fragment.lines[1]
        assert 1 <= fragment.other_lines[0] <= fragment.other_lines[1]
        assert fragment.excerpt and len(fragment.excerpt) <= 800
    prep = next(f for f in pair.fragments if f.file == "model/prep.py")
    assert "CONTRACT_NAMES" in prep.excerpt  # renamed, yet matched


def test_a_copy_of_a_reference_is_flagged_against_it(tmp_path: Path) -> None:
    copied = shutil.copytree(REFERENCES["careful"], tmp_path / "copied")
    submissions = cohort(tmp_path, INDEPENDENT) | {"copied": copied}
    pairs = find_similar(submissions, REFERENCES, BUNDLE)
    assert [(p.a, p.b) for p in pairs] == [("copied", "reference:careful")]
    assert pairs[0].score == 1.0


def test_notebook_code_cells_are_compared(tmp_path: Path) -> None:
    cells = [code for code in LOGISTIC.values() if code]
    notebook = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells]
    }
    submissions = cohort(tmp_path, {"logistic": LOGISTIC, "nb": {"a.ipynb": json.dumps(notebook)}})
    pairs = find_similar(submissions, {}, [])
    assert [(p.a, p.b) for p in pairs] == [("logistic", "nb")]
    assert pairs[0].score > 0.9
    assert {f.other_file for f in pairs[0].fragments} == {"a.ipynb"}


STARTER = '''\
"""Starter code from the challenge bundle: load the data, parse the arguments."""
import argparse
from pathlib import Path

import pandas as pd

COLUMNS = ["customer_id", "tenure_months", "monthly_charges", "contract", "payment_method",
           "support_tickets", "region", "senior", "retention_calls"]


def load_training_data(folder):
    frame = pd.read_csv(Path(folder) / "train.csv")
    missing = [column for column in COLUMNS + ["churned"] if column not in frame.columns]
    if missing:
        raise SystemExit(f"train.csv lacks {missing}")
    return frame


def arguments(*names):
    parser = argparse.ArgumentParser()
    for name in names:
        parser.add_argument(f"--{name}", required=True)
    return parser.parse_args()


def write_predictions(frame, probabilities, output, cutoff=0.5):
    out = pd.DataFrame({"customer_id": frame["customer_id"], "probability": probabilities})
    out["prediction"] = (out["probability"] >= cutoff).astype(int)
    out.to_csv(output, index=False)
'''
BRIEF = """# Brief

Write predictions like this:

```python
predictions = model.predict_proba(features)[:, 1]
write_predictions(rows, predictions, options.output, cutoff=0.5)
```
"""


def test_code_that_only_repeats_the_bundle_is_not_flagged(tmp_path: Path) -> None:
    bundle = write_folder(tmp_path / "bundle", {"starter.py": STARTER, "brief.md": BRIEF})
    snippet = "predictions = model.predict_proba(features)[:, 1]\n"
    own = {
        "a": "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression()\n",
        "b": "from sklearn.ensemble import RandomForestClassifier\nm = RandomForestClassifier(5)\n",
    }
    submissions = cohort(
        tmp_path,
        {name: {"starter.py": STARTER, "main.py": code + snippet} for name, code in own.items()},
    )
    assert find_similar(submissions, {}, [bundle / "starter.py", bundle / "brief.md"]) == []
    assert find_similar(submissions, {}, [bundle]) == []  # a folder is walked
    flagged = find_similar(submissions, {}, [])  # the same without the bundle
    assert [(p.a, p.b) for p in flagged] == [("a", "b")]


HELPER = STARTER.replace("Starter code from the challenge bundle", "A helper from a blog post") + (
    '''

def evaluation_report(y_true, probabilities, thresholds=(0.3, 0.4, 0.5, 0.6, 0.7)):
    """Precision, recall and F1 at several cut-offs, and the areas under the curves."""
    from sklearn.metrics import (average_precision_score, f1_score, precision_score,
                                 recall_score, roc_auc_score)

    rows = []
    for threshold in thresholds:
        predicted = [int(p >= threshold) for p in probabilities]
        rows.append({
            "threshold": threshold,
            "precision": precision_score(y_true, predicted, zero_division=0),
            "recall": recall_score(y_true, predicted, zero_division=0),
            "f1": f1_score(y_true, predicted, zero_division=0),
        })
    summary = {"roc_auc": roc_auc_score(y_true, probabilities),
               "average_precision": average_precision_score(y_true, probabilities)}
    return pd.DataFrame(rows), summary


def lift_table(y_true, probabilities, bins=10):
    frame = pd.DataFrame({"y": list(y_true), "p": list(probabilities)})
    frame["decile"] = pd.qcut(frame["p"].rank(method="first"), bins, labels=False)
    table = frame.groupby("decile").agg(customers=("y", "size"), churners=("y", "sum"))
    table["rate"] = table["churners"] / table["customers"]
    table["lift"] = table["rate"] / frame["y"].mean()
    return table.sort_index(ascending=False)
'''
)


def test_a_fragment_most_of_the_cohort_shares_is_dropped(tmp_path: Path) -> None:
    with_helper = {name: files | {"helper.py": HELPER} for name, files in INDEPENDENT.items()}
    submissions = cohort(tmp_path, with_helper)
    assert find_similar(submissions, {}, []) == []
    # two of them alone are too few for "more than half": the helper makes them look alike
    two = {name: submissions[name] for name in ("notebook", "boosting")}
    assert [(p.a, p.b) for p in find_similar(two, {}, [])] == [("boosting", "notebook")]


def test_common_fingerprints_are_those_of_more_than_half() -> None:
    sides = [frozenset({1, 2, 3}), frozenset({1, 2}), frozenset({1, 4}), frozenset({5})]
    assert common_fingerprints(sides) == frozenset({1})  # 2 in exactly half: kept
    assert common_fingerprints(sides[:3]) == frozenset()  # too few sides
