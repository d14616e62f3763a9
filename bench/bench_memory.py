"""Benchmark: one grading of the example submission peaks at 150 MiB resident at most.

Goal (issue 16): `grade SUBMISSION.zip` on the bundled example (the customer-churn
challenge's careful reference, packed as `scripts/demo.sh` packs it), measured as the peak
resident memory of the `grade` process itself (its VmHWM as it exits: see
bench_startup.own_peak_kib), not the Docker engine's, nor the candidate's containers', nor
ruff's (a Rust program the lint runs). The process does everything in itself: it starts no
Python of ours. Needs the engine and `grade sandbox build`. Run:
`python bench/bench_memory.py`; exits 1 when the goal is missed, printing the peak either way.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_sandbox_build import _runtime_present  # noqa: E402  (bench/ is the script's folder)
from bench_startup import own_peak_kib  # noqa: E402

from harness.packing import zip_folder  # noqa: E402

EXAMPLE = ROOT / "challenges" / "customer-churn" / "reference" / "careful"
GOAL_MIB = 150.0


def main() -> int:
    if not _runtime_present():
        print("grade the example submission     skipped: no engine or no runtime image yet")
        return 1 if os.environ.get("CI") else 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        submission = zip_folder(EXAMPLE, base / "example-submission.zip")
        log = base / "grade.log"
        grade_args = [str(submission), "--out", str(base / "reports"), "--json"]
        kib, child = own_peak_kib(grade_args, log)
        if child.code != 0 or not kib:
            print(f"grade failed (exit {child.code}):\n{log.read_text()[-2000:]}")
            return 1
        scores = _scores(base / "reports")
    peak = kib / 1024
    verdict = "ok" if peak <= GOAL_MIB else "MISSED"
    goal = f"goal {GOAL_MIB:.0f} MiB"
    print(f"grade the example submission     {peak:8.1f} MiB  {goal:12s} {verdict}")
    print(f"  in {child.seconds:.1f} s; scores {scores}")
    return 0 if verdict == "ok" else 1


def _scores(reports: Path) -> str:
    """The graded dimensions, so a run that did not grade for real shows it."""
    (result,) = reports.glob("*/result.json")
    dimensions = json.loads(result.read_text())["dimensions"]
    return " ".join(f"{name} {value.get('score')}" for name, value in dimensions.items())


if __name__ == "__main__":
    raise SystemExit(main())
