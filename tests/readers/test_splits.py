"""Group-aware splits recognised by what the code does with the group column.

Each case is a small code text in a style unlike the bundled references (notebook cells,
single scripts, helpers with odd names, chained pandas); the group column is `unit_serial`
or `pump_id`, given the way a challenge's trap config gives it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.readers.splits import SplitReading, hand_written_splits, read_group_split

SHUFFLED_FOLDS_NOTEBOOK = [
    "import numpy as np\nimport pandas as pd\nfrom sklearn.metrics import roc_auc_score\n",
    "%matplotlib inline\ndf = pd.read_csv('train.csv')\nG = 'unit_serial'\n",
    "ids = df[G].unique()\nrng = np.random.default_rng(3)\nrng.shuffle(ids)\n"
    "chunks = np.array_split(ids, 4)\n",
    "aucs = []\nfor k, held in enumerate(chunks):\n"
    "    part_a = df[~df[G].isin(held)]\n    part_b = df[df[G].isin(held)]\n"
    "    m = model().fit(part_a[cols], part_a.y)\n"
    "    aucs.append(roc_auc_score(part_b.y, m.predict_proba(part_b[cols])[:, 1]))\n",
]

NGROUP = """
import pandas as pd
frame = pd.read_csv("data/train.csv")
frame["bucket"] = frame.groupby("unit_serial").ngroup() % 5
for k in range(5):
    a = frame[frame.bucket != k]
    b = frame[frame.bucket == k]
    fit_and_score(a, b)
"""

NP_ISIN = """
import numpy as np
serials = df.unit_serial.to_numpy()
pool = np.unique(serials)
np.random.seed(0)
picked = np.random.choice(pool, size=len(pool) // 5, replace=False)
inside = np.isin(serials, picked)
Xa, ya = X[~inside], y[~inside]
Xb, yb = X[inside], y[inside]
"""

HELPER = """
import random

def carve(frame, key, share=0.2):
    keys = sorted(set(frame[key]))
    random.Random(1).shuffle(keys)
    cut = keys[: int(len(keys) * share)]
    hold = frame[key].isin(cut)
    return frame.loc[~hold], frame.loc[hold]

def main():
    df = load()
    first, second = carve(df, "unit_serial")
    report(first, second)
"""

INDEX_LIST = """
serial = "unit_serial"
labels = data[serial].tolist()
chosen = set(labels[::7])
rows_in = [i for i, s in enumerate(labels) if s not in chosen]
rows_out = [i for i, s in enumerate(labels) if s in chosen]
"""

HASHED = """
import zlib
bucket = (
    df["unit_serial"]
    .astype(str)
    .map(lambda s: zlib.crc32(s.encode()) % 10)
)
fitting = df.loc[bucket < 8]
checking = df.loc[bucket >= 8]
"""

IDS_SPLIT_WITH_SKLEARN = """
from sklearn.model_selection import train_test_split
units = df["unit_serial"].drop_duplicates()
u_fit, u_hold = train_test_split(units, test_size=0.25, random_state=0)
fit_rows = df[df["unit_serial"].isin(u_fit)]
hold_rows = df[df["unit_serial"].isin(u_hold)]
"""

GROUP_KFOLD = """
from sklearn.model_selection import GroupKFold
groups = df["unit_serial"]
for a, b in GroupKFold(n_splits=4).split(X, y, groups):
    pass
"""

CROSS_VAL_GROUPS = """
import sklearn.model_selection as ms
s = ms.cross_val_score(m, X, y, groups=df.unit_serial, cv=ms.GroupKFold(5), scoring="roc_auc")
"""

ALIASED = """
from sklearn.model_selection import StratifiedGroupKFold as SGK
splitter = SGK(n_splits=5)
"""

STRATIFIED_WITH_GROUPS = """
from sklearn.model_selection import StratifiedKFold
g = df["unit_serial"]
for a, b in StratifiedKFold(5, shuffle=True).split(X, y, groups=g):
    fit(a, b)
"""

TRAIN_TEST_SPLIT = """
from sklearn.model_selection import train_test_split
X_a, X_b, y_a, y_b = train_test_split(X, y, test_size=0.2, random_state=1)
"""

CROSS_VAL_DEFAULT = """
from sklearn.model_selection import cross_val_score
print(cross_val_score(model, X, y, groups=df["unit_serial"], scoring="roc_auc"))
"""

CLEANING_FILTER_ONLY = """
from sklearn.model_selection import train_test_split
counts = df["unit_serial"].value_counts()
df = df[df["unit_serial"].isin(counts[counts >= 3].index)]
X_a, X_b = train_test_split(df, test_size=0.2)
"""

DROP_ONLY = """
X = df.drop(columns=["unit_serial", "target"])
model.fit(X, df["target"])
"""

COMMENT_ONLY = '''
"""Validate with GroupKFold by unit_serial, df[df.unit_serial.isin(ids)] per fold."""
# GroupKFold(5).split(X, y, groups=df["unit_serial"]) would be better
model.fit(X, y)
'''


def write(root: Path, text: str, name: str = "train.py") -> Path:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    return root


def notebook(root: Path, cells: list[str], name: str = "work.ipynb") -> Path:
    body = {"cells": [{"cell_type": "code", "source": c} for c in cells], "nbformat": 4}
    (root / name).write_text(json.dumps(body), encoding="utf-8")
    return root


def read(root: Path, column: str = "unit_serial") -> SplitReading:
    return read_group_split(root, [column])


@pytest.mark.parametrize(
    "text",
    [NGROUP, NP_ISIN, HELPER, INDEX_LIST, HASHED, IDS_SPLIT_WITH_SKLEARN, GROUP_KFOLD,
     CROSS_VAL_GROUPS, ALIASED],
    ids=["ngroup-mod-k", "np-isin", "helper-odd-name", "index-list", "hashed-ids",
         "ids-split-by-train-test-split", "group-kfold", "cross-val-score-groups", "aliased"],
)  # fmt: skip
def test_group_aware_splits_are_recognised(tmp_path: Path, text: str) -> None:
    reading = read(write(tmp_path, text))
    assert reading.verdict == "group_aware", reading
    assert reading.deciding and all(e.file == "train.py" and e.snippet for e in reading.deciding)


def test_folds_of_shuffled_ids_across_notebook_cells(tmp_path: Path) -> None:
    reading = read(notebook(tmp_path, SHUFFLED_FOLDS_NOTEBOOK))
    assert reading.verdict == "group_aware"
    where = {(e.file, e.line) for e in reading.deciding}
    assert where == {("work.ipynb (cell 4)", 3), ("work.ipynb (cell 4)", 4)}
    assert all(e.in_loop for e in reading.deciding)


@pytest.mark.parametrize(
    "text",
    [STRATIFIED_WITH_GROUPS, TRAIN_TEST_SPLIT, CROSS_VAL_DEFAULT, CLEANING_FILTER_ONLY],
    ids=["stratified-kfold-ignores-groups", "train-test-split", "cross-val-default-folds",
         "one-cleaning-filter-is-no-split"],
)  # fmt: skip
def test_splits_over_rows_are_not_group_aware(tmp_path: Path, text: str) -> None:
    reading = read(write(tmp_path, text))
    assert reading.verdict == "not_group_aware", reading
    assert all(e.group_aware is False for e in reading.evidence)


@pytest.mark.parametrize("text", [DROP_ONLY, COMMENT_ONLY, ""], ids=["drop", "comment", "empty"])
def test_nothing_recognised_is_unclear(tmp_path: Path, text: str) -> None:
    assert read(write(tmp_path, text)) == SplitReading("unclear", ())


def test_the_column_comes_from_the_config_not_from_the_code(tmp_path: Path) -> None:
    write(tmp_path, NGROUP)
    assert read(tmp_path, "unit_serial").verdict == "group_aware"
    assert read(tmp_path, "pump_id").verdict == "unclear"


def test_a_column_constant_imported_from_another_module(tmp_path: Path) -> None:
    write(tmp_path, 'KEY = "pump_id"\n', "pkg/columns.py")
    code = (
        "from pkg.columns import KEY\n"
        "def folds(df, k):\n"
        "    lab = df[KEY].factorize()[0] % k\n"
        "    for i in range(k):\n"
        "        yield np.flatnonzero(lab != i), np.flatnonzero(lab == i)\n"
    )
    write(tmp_path, code, "pkg/cv.py")
    reading = read(tmp_path, "pump_id")
    assert reading.verdict == "group_aware"
    assert {e.file for e in reading.deciding} == {"pkg/cv.py"}


def test_files_that_do_not_parse_or_nest_too_deep_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "def broken(:\n", "bad.py")
    write(tmp_path, "x = " + "(" * 400 + "1" + ")" * 400 + "\n", "deep.py")
    write(tmp_path, "y = " + " + ".join(["a"] * 30_000) + "\n", "long.py")
    (tmp_path / "nb.ipynb").write_text("{not json", encoding="utf-8")
    notebook(tmp_path, ["def oops(:\n", GROUP_KFOLD], "mixed.ipynb")
    reading = read(tmp_path)
    assert reading.verdict == "group_aware"
    assert {e.file for e in reading.deciding} == {"mixed.ipynb (cell 2)"}


@pytest.mark.parametrize(
    ("text", "in_loop"),
    [
        ("cut = df.day.quantile(0.8)\ntrain = df[df.day < cut]\nvalid = df[df.day >= cut]\n",
         False),
        ("idx = rng.permutation(len(X))\ntr_idx, va_idx = idx[:800], idx[800:]\n", False),
        ("for k in range(5):\n    X_train = X[fold != k]\n    X_val = X[fold == k]\n", True),
        ("trn = df.sample(frac=0.8, random_state=0)\ntst = df.drop(trn.index)\n", False),
    ],
    ids=["by-time", "permuted-indices", "hand-written-folds", "sample-and-drop"],
)  # fmt: skip
def test_hand_written_splits_of_any_kind(tmp_path: Path, text: str, in_loop: bool) -> None:
    found = hand_written_splits(write(tmp_path, text))
    assert len(found) == 2 and all(e.in_loop is in_loop for e in found)


@pytest.mark.parametrize(
    "text",
    ["X_train = train[FEATURES]\nX_test = test[FEATURES]\n", COMMENT_ONLY, DROP_ONLY],
    ids=["columns-of-two-files", "comment", "drop"],
)
def test_column_selections_are_not_hand_written_splits(tmp_path: Path, text: str) -> None:
    assert hand_written_splits(write(tmp_path, text)) == []


FOLD_HELPER_MODULE = """
import numpy as np

def deal_out(table, k=4):
    rank = table.groupby("unit_serial", sort=False).ngroup().to_numpy()
    order = np.random.default_rng(7).permutation(rank.max() + 1)
    return order[rank] % k
"""
FOLD_CALLER_MODULE = """
from kit.buckets import deal_out

def score(table, X, y):
    lane = deal_out(table)
    for b in range(4):
        seen = lane != b
        fitted = make().fit(X[seen], y[seen])
        report(fitted.predict(X[~seen]), y[~seen])
"""


def test_a_fold_helper_in_another_module_is_followed(tmp_path: Path) -> None:
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text("")
    (tmp_path / "kit" / "buckets.py").write_text(FOLD_HELPER_MODULE)
    (tmp_path / "kit" / "run.py").write_text(FOLD_CALLER_MODULE)
    reading = read(tmp_path)
    assert reading.verdict == "group_aware", reading
    assert {e.file for e in reading.deciding} == {"kit/run.py"}


def test_rows_selected_by_a_mask_and_its_complement_are_a_hand_split(tmp_path: Path) -> None:
    text = "for b in range(3):\n    m = fold != b\n    fit(X[m], y[m])\n    check(X[~m])\n"
    found = hand_written_splits(write(tmp_path, text))
    assert len(found) == 2 and all(e.in_loop for e in found)
    assert found[0].rule == "rows selected by a mask and by its complement"
    assert hand_written_splits(write(tmp_path, "fit(X[m], y[m])\n")) == []
