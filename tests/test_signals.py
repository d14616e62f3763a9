"""A harness sent SIGTERM mid-stage leaves nothing behind; after SIGKILL, the next start
sweeps what it left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox import docker as engine

pytestmark = pytest.mark.docker
ROOT = Path(__file__).parents[1]
LOOP = ROOT / "tests" / "adversarial" / "infinite-loop-train"
DATA = ROOT / "tests" / "adversarial" / "_data" / "public"


def _start_child(tmp_path: Path, image: str) -> subprocess.Popen[str]:
    submission = tmp_path / "submission"
    shutil.copytree(LOOP / "submission", submission)
    (tmp_path / "work").mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.sandbox_child", submission, DATA, tmp_path / "work", image],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "running"
    return child


def _owned_by(client: Any, pid: int) -> list[Any]:
    found = client.containers.list(
        all=True, filters={"label": f"{engine.PID_LABEL}={pid}"}, ignore_removed=True
    )
    found += client.volumes.list(filters={"label": f"{engine.PID_LABEL}={pid}"})
    return list(found)


def test_sigterm_mid_stage_leaves_nothing_behind(
    tmp_path: Path, docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    child = _start_child(tmp_path, sandbox_image)
    assert len(_owned_by(docker_client, child.pid)) >= 3  # keeper, stage, volumes
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert _owned_by(docker_client, child.pid) == []


def test_after_sigkill_the_next_start_sweeps_the_leftovers(
    tmp_path: Path, docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    child = _start_child(tmp_path, sandbox_image)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert len(_owned_by(docker_client, child.pid)) >= 3, "SIGKILL should leave things behind"
    assert engine.sweep(docker_client) >= 3
    assert _owned_by(docker_client, child.pid) == []


def test_a_sweep_spares_a_harness_that_is_still_running(
    tmp_path: Path, docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    child = _start_child(tmp_path, sandbox_image)
    try:
        engine.sweep(docker_client)
        assert len(_owned_by(docker_client, child.pid)) >= 3
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
