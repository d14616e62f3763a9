"""Benchmark: `grade batch` in parallel against one grading after another, and a rerun.

Goals (issue 14): a batch of 12 small submissions with `--jobs 2` takes at most 0.6 times
the wall time of the same zips graded one after another (`--jobs 1`, the same code one at a
time), measured side by side in this one run after one warm-up grading. Each submission is
tests/sandbox/tiny.py with a train that fits a random forest on the training data (a few
seconds of one CPU, the stage's limit), as a real submission does: a grading whose stages do
nothing measures only the engine's container start-ups, which the engine serialises. A
rerun of the completed batch takes under 5 s. The coordinator's and each worker's peak memory
are printed (the batch reports them: getrusage of itself, and each worker's own
peak sent back with its outcome). Needs the Docker engine and `grade sandbox build`.
Run: `python bench/bench_batch.py`; exits 1 when a goal is missed, printing each timing. Not
yet in scripts/test.sh: on a quiet 2-core machine the ratio measured 0.58 to 0.60 (0.74 with
stages that do nothing, 0.69 with a heavier train); once a stage's end was noticed at once
(no blocking stats call), grading one after another got faster too, and the ratio measured
0.57 under load and 0.62 quiet: the 0.6 goal is not met reliably. The rerun goal is (1.5 s).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.batch.kit import tiny, with_train  # noqa: E402

GRADE = Path(sys.executable).with_name("grade")
SUBMISSIONS = 12
RATIO_GOAL = 0.6
RERUN_GOAL_S = 5.0


def _cpu_ticks() -> tuple[int, int]:
    """The machine's (busy, all) CPU ticks since boot, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def _batch(zips: Path, out: Path, jobs: int) -> tuple[float, str, float]:
    """The wall time of one `grade batch`, its output, and the share of the machine's CPU
    time that was busy meanwhile (every process: the harness, the engine, the stages)."""
    command = [str(GRADE), "batch", str(zips), "--out", str(out), "--jobs", str(jobs)]
    busy_before, all_before = _cpu_ticks()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ,
                          "COLUMNS": "200"})  # fmt: skip
    seconds = time.perf_counter() - started
    busy_after, all_after = _cpu_ticks()
    if done.returncode != 0:
        raise SystemExit(f"grade batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout, (busy_after - busy_before) / max(1, all_after - all_before)


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
    """A tiny submission (distinct by `number`) whose train really fits a model."""
    return with_train(tiny(path, number), FITTING_TRAIN)


def _memory(stdout: str) -> str:
    return next((line for line in stdout.splitlines() if line.startswith("peak memory")), "")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        warm, zips = folder / "warm", folder / "zips"
        warm.mkdir()
        zips.mkdir()
        fitting(warm / "warm.zip", -1)
        for number in range(SUBMISSIONS):
            fitting(zips / f"small-{number:02}.zip", number)
        _batch(warm, folder / "out-warm", 1)
        one_by_one, _, busy_1 = _batch(zips, folder / "out-1", 1)
        parallel, stdout, busy_2 = _batch(zips, folder / "out-2", 2)
        rerun, _, _ = _batch(zips, folder / "out-2", 2)
    ratio = parallel / one_by_one
    ratio_ok, rerun_ok = ratio <= RATIO_GOAL, rerun < RERUN_GOAL_S
    cores = os.cpu_count() or 1
    print(f"{SUBMISSIONS} small submissions one after another (--jobs 1) {one_by_one:7.1f} s"
          f"   CPU busy {busy_1:4.0%} of {cores} cores")  # fmt: skip
    print(f"{SUBMISSIONS} small submissions with --jobs 2               {parallel:7.1f} s"
          f"   CPU busy {busy_2:4.0%} of {cores} cores")  # fmt: skip
    verdict = "ok" if ratio_ok else "MISSED"
    print(
        f"ratio, --jobs 2 / one after another        {ratio:7.2f}   goal <= {RATIO_GOAL}  {verdict}"
    )
    verdict = "ok" if rerun_ok else "MISSED"
    print(
        f"rerun of the completed batch                {rerun:7.1f} s goal < {RERUN_GOAL_S:.0f} s "
        f"{verdict}"
    )
    print(f"--jobs 2 {_memory(stdout)}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest peak of any process this benchmark ran: {largest:.0f} MiB")
    return 0 if ratio_ok and rerun_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
