"""The `fits_model` fact: a question may say "the model train fits" only of code that fits
one. Read from what the code calls, in any style: a notebook, lightgbm's `train`, a
pipeline's `fit_transform`; never of a service that asks a model API or applies rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.checks.facts import submission_facts
from tests.checks.contexts import make_context

CONTRACT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python main.py train {data} {artifacts}"
predict = "python main.py predict {artifacts} {input} {output}"

[estimate]
metric = "roc_auc"
value  = 0.7
method = "a guess"
"""
LLM_ONLY = """\
import csv, json, sys, urllib.request

def ask(text):
    body = json.dumps({"model": "route-mini", "messages": [{"role": "user", "content": text}]})
    request = urllib.request.Request("http://127.0.0.1:8900/v1/chat/completions", body.encode())
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)["choices"][0]["message"]["content"]

if sys.argv[1] == "train":
    open(sys.argv[3] + "/nothing.txt", "w").write("no model to train")
"""
RULES = """\
import pandas as pd, sys
RULES = {"invoice": 1, "crash": 2}
def route(text):  # a model would not learn more from 40 tickets
    return next((q for word, q in RULES.items() if word in text.lower()), 3)
"""
LIGHTGBM = """\
import lightgbm as lgb, pandas as pd, sys
frame = pd.read_csv(sys.argv[2] + "/train.csv")
booster = lgb.train({"objective": "binary"}, lgb.Dataset(frame.drop(columns="y"), frame["y"]))
"""
PIPELINE = """\
from sklearn.preprocessing import StandardScaler
scaled = StandardScaler().fit_transform([[1.0], [2.0]])
"""


def _notebook(source: str) -> str:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
            "source": source.splitlines(keepends=True)}  # fmt: skip
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _submission(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    (root / "assessment.toml").write_text(CONTRACT)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "fits"),
    [
        ({"main.py": LLM_ONLY}, False),
        ({"main.py": RULES}, False),
        ({"main.py": RULES, "tests/test_fit.py": "def test_fit():\n    model.fit([[0]], [0])\n"},
         False),  # a test that fits is not the submission's training
        ({"main.py": LIGHTGBM}, True),
        ({"main.py": PIPELINE}, True),
        ({"main.py": RULES, "explore.ipynb": _notebook("from sklearn.svm import SVC\n"
                                                       "SVC().fit(X, y)\n")}, True),
    ],
    ids=["llm-only", "rules", "fit-only-in-tests", "lightgbm-train", "fit-transform", "notebook"],
)  # fmt: skip
def test_fits_model_is_read_from_what_the_code_calls(
    tmp_path: Path, files: dict[str, str], fits: bool
) -> None:
    facts = submission_facts(make_context(_submission(tmp_path / "sub", files)))
    assert facts["fits_model"] is fits
    assert facts["saves_model"] is False
