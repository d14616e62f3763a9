"""A whole grading loads neither scikit-learn nor SciPy, and stays under 150 MiB.

The example submission is graded for real in a fresh interpreter (the local backend, so no
engine is needed: the candidate's own code runs in child processes, and scikit-learn there
is the candidate's, not ours). bench/bench_memory.py measures the same with Docker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.packing import zip_folder

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "challenges" / "customer-churn" / "reference" / "careful"
GOAL_MIB = 150

GRADING = """\
import json, sys
from harness.cli import cli
try:
    cli([sys.argv[1], "--backend", "local", "--out", sys.argv[2], "--json"], prog_name="grade")
except SystemExit as exit:
    code = exit.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"sklearn", "scipy"})
with open("/proc/self/status") as status:  # not ru_maxrss: that counts pytest's, from exec
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps({"code": code, "loaded": loaded, "peak_mib": peak}), file=sys.stderr)
"""


def test_a_grading_loads_no_scikit_learn_and_peaks_under_the_goal(tmp_path: Path) -> None:
    submission = zip_folder(EXAMPLE, tmp_path / "example.zip")
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-c", GRADING, str(submission), str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["metrics"]["holdout"] is not None  # the metrics were computed, in numpy
    assert result["metrics"]["baseline"] is not None
    assert report["loaded"] == []
    assert report["peak_mib"] <= GOAL_MIB
    assert len(list(out.glob("*/result.json"))) == 1
