"""Benchmark: `grade batch` through the cluster path against the local process pool.

Goal (issue 18): the same batch of small submissions graded on a Dask cluster of two worker
processes (one `docker` slot each: `dask worker --nthreads 1 --resources docker=1`, here a
`distributed.LocalCluster` on this machine) takes at most 1.15 times the wall time of the
local pool with `--jobs 2`, measured side by side in this one run, after one warm-up grading
each way. The cluster is started before the clock runs, as a deployed one is already up; what
is measured is what the cluster path adds: the challenge archive shipped and unpacked, the zip
and the results sent over the network, the coordinator writing them. Each submission is a
tiny one whose train fits a random forest (tests/batch/kit.py `fitting`).
Needs the Docker engine and `grade sandbox build`. Run: `python bench/bench_cluster.py`;
exits 1 when the goal is missed, printing both timings and the ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.batch.run import BatchOptions, BatchReport, Display, run_batch  # noqa: E402
from harness.cluster.target import ClusterTarget  # noqa: E402
from tests.batch.kit import fitting  # noqa: E402
from tests.cluster.clusters import two_docker_workers  # noqa: E402

SUBMISSIONS = 10
RATIO_GOAL = 1.15


def _timed(options: BatchOptions) -> float:
    started = time.perf_counter()
    report = run_batch(options, Display())
    seconds = time.perf_counter() - started
    _require_graded(report)
    return seconds


def _require_graded(report: BatchReport) -> None:
    bad = [
        f"{row.file}: {row.status} {row.message}" for row in report.rows if row.status != "graded"
    ]
    if bad:
        raise SystemExit("not every submission was graded:\n" + "\n".join(bad))


def main() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp,
        two_docker_workers() as cluster,
    ):
        folder = Path(tmp)
        warm, zips = folder / "warm", folder / "zips"
        warm.mkdir()
        zips.mkdir()
        fitting(warm / "warm-a.zip", -1)
        fitting(warm / "warm-b.zip", -2)
        for number in range(SUBMISSIONS):
            fitting(zips / f"small-{number:02}.zip", number)
        target = ClusterTarget(cluster.scheduler_address)
        _timed(BatchOptions((warm,), folder / "warm-local", jobs=2))
        _timed(BatchOptions((warm,), folder / "warm-cluster", cluster=target))
        local = _timed(BatchOptions((zips,), folder / "local", jobs=2))
        on_cluster = _timed(BatchOptions((zips,), folder / "cluster", cluster=target))
    ratio = on_cluster / local
    verdict = "ok" if ratio <= RATIO_GOAL else "MISSED"
    print(f"{SUBMISSIONS} small submissions, local pool --jobs 2            {local:7.1f} s")
    print(f"{SUBMISSIONS} small submissions, cluster of 2 docker=1 workers  {on_cluster:7.1f} s")
    print(f"ratio, cluster / local pool {ratio:31.2f}   goal <= {RATIO_GOAL}  {verdict}")
    return 0 if ratio <= RATIO_GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
