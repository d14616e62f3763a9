"""`grade batch --cluster` for real: a `distributed.LocalCluster` of two worker processes
(one `docker` slot each) grading tiny submissions on this machine's engine.

A cluster batch gives what a local batch gives (statuses, stage verdicts, scores, the trap
verdict, every finding); a rerun is a ledger hit that contacts no worker; a worker process
killed mid-grading has its task graded by another and the batch completes; the coordinator
interrupted with Ctrl-C stops the gradings under way (their containers removed), leaves
the ledger consistent, and a rerun finishes the rest."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from harness.batch.ledger import LEDGER_FILE, read_ledger
from harness.batch.run import BatchOptions, BatchReport, Display, run_batch
from harness.cluster.target import ClusterTarget
from harness.report.render import REPORT_NAME
from harness.sandbox import docker as engine
from tests.batch.kit import broken_contract, hostile, owned_by, tiny, with_train
from tests.cluster.clusters import client_of, two_docker_workers
from tests.sandbox.tiny import TRAIN

pytestmark = pytest.mark.docker
SLOW_TRAIN = "import time\ntime.sleep(4)\n" + TRAIN
"""Long enough for a test to act while a grading is in its train stage."""


@pytest.fixture(scope="module")
def cluster(sandbox_image: str) -> Iterator[LocalCluster]:
    with two_docker_workers() as running:
        yield running


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    """The test's own client: to find the workers' pids, never to grade."""
    with client_of(cluster) as connected:
        yield connected


def _on(cluster: LocalCluster, inputs: Path, out: Path) -> BatchReport:
    target = ClusterTarget(cluster.scheduler_address)
    return run_batch(BatchOptions((inputs,), out, cluster=target), Display())


def _worker_pids(client: Client) -> list[int]:
    return sorted(client.run(os.getpid).values())


def _essence(result_file: Path) -> dict[str, Any]:
    """What grading decided, without what differs between two runs of it (times, ids of
    containers, the image's creation)."""
    result = json.loads(result_file.read_text())
    return {
        "submission": result["submission"]["id"],
        "stages": {name: stage["verdict"] for name, stage in result["stages"].items()},
        "trap": result["trap"]["verdict"],
        "dimensions": {name: d["score"] for name, d in result["dimensions"].items()},
        "findings": [
            (f["check"], f["status"], f["score"], _timeless(f["message"]))
            for f in result["findings"]
        ],
        "metrics": result["metrics"],
        "challenge": result["challenge"],
    }


def _timeless(message: str) -> str:
    """A finding's message with its numbers out: how long a stage took differs run to run
    ("train (0.5 s)", "healthy after 0.011 s"); the words, status and score must not."""
    return re.sub(r"\d+(\.\d+)?", "#", message)


def test_a_cluster_batch_equals_a_local_batch_and_a_rerun_is_a_ledger_hit(
    tmp_path: Path, cluster: LocalCluster, client: Client, no_leftovers: None
) -> None:
    zips = tmp_path / "zips"
    zips.mkdir()
    for number in range(3):
        tiny(zips / f"tiny-{number}.zip", number)
    hostile(zips / "fills-the-disk.zip")
    broken_contract(zips / "broken-toml.zip")
    on_cluster = _on(cluster, zips, tmp_path / "on-cluster")
    local = run_batch(BatchOptions((zips,), tmp_path / "local", jobs=2), Display())

    statuses = {Path(row.file).name: row.status for row in on_cluster.rows}
    assert statuses == {Path(row.file).name: row.status for row in local.rows}
    assert sorted(statuses.values()) == ["graded"] * 4 + ["refused"]
    assert set(on_cluster.workers) <= set(_worker_pids(client)), "graded elsewhere than a worker"
    for cluster_row, local_row in zip(on_cluster.rows, local.rows, strict=True):
        assert cluster_row.message == local_row.message
        if cluster_row.status != "graded":
            continue
        graded = tmp_path / "on-cluster" / cluster_row.result
        assert _essence(graded) == _essence(tmp_path / "local" / local_row.result)
        assert "tiny" in graded.with_name(REPORT_NAME).read_text() or "fills" in cluster_row.file
    ledger = read_ledger(tmp_path / "on-cluster")
    assert sorted(e.status for e in ledger.latest()) == ["graded"] * 4 + ["refused"]
    assert all(ledger.complete(e.key) for e in ledger.latest() if e.status == "graded")

    lines = (tmp_path / "on-cluster" / LEDGER_FILE).read_text().count("\n")
    started = time.monotonic()
    rerun = _on(cluster, zips, tmp_path / "on-cluster")
    assert sorted(row.status for row in rerun.rows) == ["cached"] * 4 + ["refused"]
    assert rerun.workers == {} and time.monotonic() - started < 10
    assert (tmp_path / "on-cluster" / LEDGER_FILE).read_text().count("\n") == lines


def test_a_worker_killed_mid_grading_has_its_task_graded_by_another(
    tmp_path: Path, cluster: LocalCluster, client: Client, docker_client: Any, no_leftovers: None
) -> None:
    zips = tmp_path / "zips"
    zips.mkdir()
    for number in range(4):
        with_train(tiny(zips / f"slow-{number}.zip", 300 + number), SLOW_TRAIN)
    killer = _Killer(docker_client, _worker_pids(client))
    killer.start()
    try:
        report = _on(cluster, zips, tmp_path / "out")
    finally:
        killer.done.set()
        killer.join()
    assert killer.killed, "no worker was killed mid-grading: the test proved nothing"
    assert [row.status for row in report.rows] == ["graded"] * 4, report.rows
    ledger = read_ledger(tmp_path / "out")
    assert len(ledger.latest()) == 4 and all(ledger.complete(e.key) for e in ledger.latest())
    assert killer.killed[0] not in report.workers, "the killed worker cannot have sent a result"
    engine.sweep(docker_client)  # what the next grading on that engine does first
    assert owned_by(docker_client, killer.killed) == []


class _Killer(threading.Thread):
    """Kills (SIGKILL) the first worker process seen running a train container."""

    def __init__(self, docker_client: Any, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.docker_client, self.pids = docker_client, pids
        self.killed: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set() and not self.killed:
            for pid in self.pids:
                if any(name.endswith("train") or "train" in name for name in self._names(pid)):
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
                    return
            time.sleep(0.2)

    def _names(self, pid: int) -> list[str]:
        label = {"label": [f"{engine.PID_LABEL}={pid}", f"{engine.ROLE_LABEL}=train"]}
        containers = self.docker_client.containers.list(filters=label, ignore_removed=True)
        return [f"{c.name}-train" for c in containers]


GRADE = str(Path(sys.executable).with_name("grade"))


def test_ctrl_c_of_the_coordinator_stops_the_gradings_and_a_rerun_finishes_the_rest(
    tmp_path: Path, cluster: LocalCluster, client: Client, docker_client: Any, no_leftovers: None
) -> None:
    zips = tmp_path / "zips"
    zips.mkdir()
    for number in range(5):
        with_train(tiny(zips / f"slow-{number}.zip", 400 + number), SLOW_TRAIN)
    out = tmp_path / "out"
    command = [GRADE, "batch", str(zips), "--out", str(out), "--cluster", cluster.scheduler_address]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = _worker_pids(client)
    _wait_for_trains(child, docker_client, workers)
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 130, stderr[-3000:]  # the CLI's exit code for an interrupt
    assert "run the same command again to grade the rest" in stderr
    assert "stopped mid-grading; its containers were removed" in stderr  # reached the worker
    assert "stopped 2 gradings under way" in stderr, stderr[-3000:]
    assert owned_by(docker_client, workers) == [], "an interrupted grading left containers"
    ledger = read_ledger(out)
    assert all(ledger.complete(e.key) for e in ledger.latest()), "a half-done entry was recorded"
    assert len(ledger.latest()) < 5, "the interrupt came too late to stop anything"

    rerun = _on(cluster, zips, out)
    assert {row.status for row in rerun.rows} <= {"graded", "cached"}
    assert len(rerun.rows) == 5 and "graded" in {row.status for row in rerun.rows}
    assert all(read_ledger(out).complete(e.key) for e in read_ledger(out).latest())


def _wait_for_trains(child: subprocess.Popen[str], docker_client: Any, workers: list[int]) -> None:
    """Until both workers are in a grading's train stage (or the coordinator ended)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        label = {"label": f"{engine.ROLE_LABEL}=train"}
        trains = docker_client.containers.list(filters=label, ignore_removed=True)
        owners = {c.labels.get(engine.PID_LABEL) for c in trains}
        if {str(pid) for pid in workers} <= owners:
            return
        time.sleep(0.2)
    child.kill()
    raise AssertionError(f"no grading started: {child.communicate()}")
