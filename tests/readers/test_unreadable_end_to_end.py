"""Pathological candidate files through the real commands (issue 12, items 2 and 6):
`grade inspect`, `grade check` and `grade` exit with their normal codes, never 3, and name
each file as unreadable; a README with a 2 MB inline image is still a write-up.

Each command runs as its own process, so a crash of the C parser would show as a dead
process, not be hidden by an exception handler. The one full grading uses the local backend:
what is tested here is reading files, not the sandbox."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.packing import zip_folder
from tests.readers.pathological import FILES
from tests.zipkit import MINIMAL, write_zip

GRADE = Path(sys.executable).with_name("grade")
NAIVE = Path(__file__).parents[2] / "challenges" / "customer-churn" / "reference" / "naive"
IMAGE = base64.b64encode(random.Random(6).randbytes(1_600_000)).decode()


def grade(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRADE, *map(str, args)], capture_output=True, text=True, check=False, timeout=timeout
    )


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The naive reference with every pathological file beside its code, and a screenshot
    pasted into its README."""
    root = Path(shutil.copytree(NAIVE, tmp_path_factory.mktemp("e2e") / "submission"))
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    readme = root / "README.md"
    image = f"\n![the ROC curve](data:image/png;base64,{IMAGE})\n"
    readme.write_text(readme.read_text(encoding="utf-8") + image, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(FILES))
def test_grade_inspect_names_each_file_unreadable(tmp_path: Path, name: str) -> None:
    zipped = write_zip(tmp_path / "submission.zip", {**MINIMAL, name: FILES[name]})
    done = grade("inspect", zipped, "--json")
    assert done.returncode == 0, done.stderr
    unreadable = json.loads(done.stdout)["inventory"]["unreadable"]
    assert [entry["path"] for entry in unreadable] == [name]
    assert unreadable[0]["reason"]
    assert grade("inspect", zipped).returncode == 0


def test_grade_check_warns_of_every_unreadable_file(submission: Path) -> None:
    done = grade("check", submission, "--backend", "local", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    items = {item["name"]: item for item in json.loads(done.stdout)["items"]}
    assert items["lint"]["status"] == "warn"
    assert items["lint"]["message"].startswith("unreadable: ")
    assert all(name in items["lint"]["message"] for name in FILES)
    assert items["assessment.toml"]["status"] == "pass"  # the write-up with its image is fine


def test_grade_writes_a_report_with_the_unreadable_files(submission: Path, tmp_path: Path) -> None:
    zipped = zip_folder(submission, tmp_path / "submission.zip")
    done = grade(zipped, "--out", tmp_path / "out", "--backend", "local")
    assert done.returncode == 0, done.stdout + done.stderr
    (written,) = (tmp_path / "out").glob("*/result.json")
    assert written.with_name("report.html").is_file()
    result = json.loads(written.read_text())
    findings: dict[str, Any] = {f["check"]: f for f in result["findings"]}
    readable = findings["code.readable"]
    assert readable["status"] == "fail"
    assert {e["path"] for e in readable["evidence"]} == set(FILES)
    assert all(e["excerpt"].startswith("unreadable: ") for e in readable["evidence"])
    assert not [f["check"] for f in result["findings"] if f["status"] == "error"]
    assert findings["comms.structure"]["status"] == "pass"
    assert "1 embedded image" in findings["comms.readable"]["message"]
    assert result["dimensions"]["communication"]["score"] > 0.3
