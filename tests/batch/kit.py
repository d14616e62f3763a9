"""Zips for batch tests and the batch benchmark: distinct tiny submissions (tests/sandbox/tiny.py,
every stage passes in seconds), a hostile one, two broken ones, and how to find a `grade
batch`'s worker processes and what they own on the engine."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from harness.sandbox import docker as engine
from tests.sandbox.tiny import tiny_zip

FILL_TMP_TRAIN = """\
block = b"\\0" * (1024 * 1024)
with open("/tmp/filler", "wb") as sink:
    while True:
        sink.write(block)
        sink.flush()
"""


def tiny(path: Path, number: int) -> Path:
    """A tiny submission whose bytes differ by `number`: a distinct SHA-256."""
    tiny_zip(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("NOTE.txt", f"copy number {number}\n")
    return path


FITTING_TRAIN = """\
import json, sys
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
frame = pd.read_csv(sys.argv[1] + "/train.csv")
numbers = frame.select_dtypes("number").drop(columns=["churned"]).fillna(0)
RandomForestClassifier(n_estimators=250, random_state=0, n_jobs=1).fit(numbers, frame["churned"])
with open(sys.argv[2] + "/model.json", "w") as f:
    json.dump({"rate": float(frame["churned"].mean())}, f)
print("fitted on", len(frame), "rows")
"""


def fitting(path: Path, number: int) -> Path:
    """A tiny submission (distinct by `number`) whose train really fits a model (a second
    of one CPU): the cluster benchmark's submission."""
    return with_train(tiny(path, number), FITTING_TRAIN)


def hostile(path: Path) -> Path:
    """Its train fills /tmp until the disk is full (a size-capped tmpfs: ENOSPC)."""
    return with_train(tiny_zip(path), FILL_TMP_TRAIN)


def with_train(path: Path, train: str) -> Path:
    """The zip at `path` with its train.py replaced by `train`."""
    with zipfile.ZipFile(path) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["train.py"] = train.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def not_a_zip(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    return path


def broken_contract(path: Path) -> Path:
    tiny_zip(path)
    with zipfile.ZipFile(path) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["assessment.toml"] = b'[submission]\nchallenge = "customer-churn\n'
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a batch's workers and multiprocessing's helper)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def owned_by(client: Any, pids: list[int]) -> list[str]:
    """Names of the containers and volumes labelled with any of these harness pids."""
    names = []
    for pid in pids:
        label = {"label": f"{engine.PID_LABEL}={pid}"}
        containers = client.containers.list(all=True, filters=label, ignore_removed=True)
        names += [c.name for c in containers]
        names += [v.name for v in client.volumes.list(filters=label)]
    return names
