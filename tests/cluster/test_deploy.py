"""docs/scaling.md's own commands, run as written: its certificate commands make a CA and a
certificate per role, its `dask scheduler` and `dask worker` commands start a TLS cluster
(the port changed to a free one, SCHEDULER_HOST to this machine), and its `grade batch`
arguments grade a submission over TLS; a client without a certificate is refused in seconds.

The `grade batch` line runs as written, as a command of its own."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.batch.ledger import read_ledger
from harness.cluster.connect import connect
from harness.cluster.target import ClusterTarget
from harness.errors import HarnessError
from tests.batch.kit import tiny

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"


def documented(name: str) -> str:
    """The fenced block after `<!-- test: NAME -->` in docs/scaling.md."""
    found = re.search(rf"<!-- test: {name} -->\n```bash\n(.*?)```", DOCS.read_text(), re.DOTALL)
    assert found, f"docs/scaling.md has no block marked {name}"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _here(command: str, port: int) -> list[str]:
    """A documented command on this machine: its executable from this environment."""
    words = shlex.split(command.replace("SCHEDULER_HOST", "127.0.0.1").replace("8786", str(port)))
    executable = Path(sys.executable).with_name(words[0])
    return [str(executable if executable.exists() else words[0]), *words[1:]]


@pytest.fixture
def tls_cluster(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    subprocess.run(["bash", "-e", "-c", documented("certificates")], cwd=tmp_path, check=True,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    started = []
    try:
        for name in ("scheduler", "worker"):
            started.append(subprocess.Popen(_here(documented(name).strip(), port), cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
            time.sleep(1.0 if name == "scheduler" else 0)
        _wait_for_worker(tmp_path, port)
        yield tmp_path, port
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_worker(folder: Path, port: int) -> None:
    target = ClusterTarget(f"tls://127.0.0.1:{port}", folder / "ca.pem", folder / "client.pem",
                           folder / "client.key")  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client = connect(target, timeout_s=5)
        except HarnessError:
            time.sleep(0.5)
            continue
        with client:
            if client.scheduler_info(n_workers=-1)["workers"]:
                return
        time.sleep(0.5)
    raise AssertionError("the documented scheduler and worker did not start")


@pytest.mark.docker
def test_the_documented_tls_deployment_grades_and_refuses_a_client_without_certificates(
    tls_cluster: tuple[Path, int], sandbox_image: str, no_leftovers: None,
) -> None:  # fmt: skip
    folder, port = tls_cluster
    (folder / "submissions").mkdir()
    tiny(folder / "submissions" / "ann.zip", 500)
    words = _here(documented("grade").strip(), port)
    assert Path(words[0]).name == "grade" and words[1] == "batch"
    run = subprocess.run(words, cwd=folder, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    ledger = read_ledger(folder / "results")
    assert [e.status for e in ledger.latest()] == ["graded"]

    started = time.monotonic()
    plain = f"tcp://127.0.0.1:{port}"
    with pytest.raises(HarnessError, match=f"cannot reach the Dask scheduler at {plain}"):
        connect(ClusterTarget(f"tcp://127.0.0.1:{port}"), timeout_s=5)
    assert time.monotonic() - started < 10
