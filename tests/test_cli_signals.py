"""`grade` stopped by SIGTERM or SIGINT, for real: one line on stderr says what was stopped
and that what it had made was removed; the exit code is 128 + the signal (143, 130); no
temporary folder and no process of the stage is left. The local backend, so no engine is
needed (tests/test_signals.py does the same for the Docker containers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.zipkit import CONTRACT, MINIMAL, write_zip

GRADE = Path(sys.executable).with_name("grade")
SLOW_TRAIN = """\
import pathlib, os, sys, time
pathlib.Path(sys.argv[-1]).write_text(str(os.getpid()))
time.sleep(300)
"""


def _slow_submission(tmp_path: Path) -> tuple[Path, Path]:
    pid_file = tmp_path / "train.pid"
    train = f"python train.py --data {{data}} --out {{artifacts}} {pid_file}"
    contract = CONTRACT.replace("python train.py --data {data} --out {artifacts}", train)
    entries = {**MINIMAL, "assessment.toml": contract, "train.py": SLOW_TRAIN}
    return write_zip(tmp_path / "slow.zip", entries), pid_file


def _wait_for(pid_file: Path, child: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if pid_file.is_file() and pid_file.read_text():
            return int(pid_file.read_text())
        time.sleep(0.1)
    child.kill()
    raise AssertionError(f"train never started: {child.communicate()}")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


SIGNALS = [
    (signal.SIGTERM, 143, "terminated (SIGTERM)"),
    (signal.SIGINT, 130, "interrupted (SIGINT)"),
]


@dataclass(frozen=True)
class Stopped:
    code: int
    stderr: str
    train_was_left: bool


def _stop_mid_train(tmp_path: Path, signum: int) -> Stopped:
    """`grade sandbox run` on a train that sleeps, sent `signum` once train runs."""
    submission, pid_file = _slow_submission(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    child = subprocess.Popen(
        [GRADE, "sandbox", "run", submission, "--backend", "local"],
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    train_pid = _wait_for(pid_file, child)
    child.send_signal(signum)
    try:
        _, stderr = child.communicate(timeout=60)
    finally:
        child.kill()  # a no-op once it has ended
        left = _alive(train_pid)
        if left:  # never leave a sleeper behind, whatever the test finds
            os.kill(train_pid, signal.SIGKILL)
    return Stopped(child.returncode, stderr, left)


@pytest.mark.parametrize(("signum", "code", "said"), SIGNALS)
def test_a_signal_mid_stage_says_what_stopped_and_removes_the_temporary_files(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    stopped = _stop_mid_train(tmp_path, signum)
    assert stopped.code == code, stopped.stderr
    assert stopped.stderr.rstrip().splitlines()[-1] == (
        f"grade: {said}: stopped grade sandbox run {tmp_path / 'slow.zip'}; "
        "its processes, containers and temporary files were removed"
    )
    assert "Traceback" not in stopped.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_stage_leaves_no_process_of_the_stage(tmp_path: Path, signum: int) -> None:
    assert not _stop_mid_train(tmp_path, signum).train_was_left
