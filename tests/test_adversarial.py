"""Hostile submissions, one folder a case under tests/adversarial/, run for real in Docker.

Each case holds `case.toml` (the stage under attack, the expected verdict, optional limits
and log expectations) and `submission/`. For every case: the grader survives, the verdict is
right, the host is untouched, and no container or volume is left behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import shutil
import socket
import struct
import threading
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from harness.contract import load_contract
from harness.errors import IntakeError
from harness.intake import MiB, intake
from harness.sandbox.limits import apply_overrides, parse_overrides
from harness.sandbox.serve import run_serve
from harness.sandbox.stages import DEFAULT_LIMITS, StageInputs, StageRun, stage_runner

CASES = Path(__file__).parent / "adversarial"
DATA = CASES / "_data"
PRIVATE_LABELS = DATA / "private" / "labels.csv"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.toml").is_file())
SIOCGIFADDR = 0x8915

pytestmark = pytest.mark.docker


def test_there_are_enough_cases() -> None:
    assert len(NAMES) >= 15


class Listener:
    """A TCP listener on the host's Docker bridge address, counting who connects."""

    def __init__(self, address: str) -> None:
        self.server = socket.create_server((address, 0))
        self.server.settimeout(0.2)
        self.address = f"{address}:{self.server.getsockname()[1]}"
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.server.close()


def _bridge_gateway(client: Any) -> str:
    """The host's address on Docker's default bridge, where a container would reach the host.
    Engines differ in what they say: most give the IPAM `Gateway`, but Docker 20.10 from Debian
    leaves it out (`"Config": [{"Subnet": "172.17.0.0/16"}]`). Then the bridge interface's own
    address is the truth (docker0 holds it), and the subnet's first host address is what the
    engine assigns the bridge by default when the interface cannot be read."""
    network = client.networks.get("bridge").attrs
    config = network["IPAM"]["Config"][0]
    if config.get("Gateway"):
        return str(config["Gateway"])
    name = (network.get("Options") or {}).get("com.docker.network.bridge.name", "docker0")
    return _interface_address(name) or str(next(ipaddress.ip_network(config["Subnet"]).hosts()))


def _interface_address(name: str) -> str | None:
    """The IPv4 address of a network interface (ioctl SIOCGIFADDR), None if it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            answer = fcntl.ioctl(
                probe.fileno(), SIOCGIFADDR, struct.pack("256s", name[:15].encode())
            )
        except OSError:
            return None
    return socket.inet_ntoa(answer[20:24])


def _run_case(
    case: dict[str, Any], inputs: StageInputs, work: Path, env: dict[str, str]
) -> StageRun:
    limits = apply_overrides(DEFAULT_LIMITS, parse_overrides(case.get("limits", [])))
    with stage_runner(inputs, work, limits) as runner:
        if case["stage"] == "train":
            return runner.run("train", inputs.contract.commands.train, **env)
        trained = runner.train()
        assert trained.result.verdict == "ok", trained.result
        if case["stage"] == "serve":
            return run_serve(runner, case["startup_s"], **env).run
        return runner.predict()


def _intake_case(case: dict[str, Any], submission: Path, tmp_path: Path) -> str:
    zip_path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(submission.rglob("*")):
            archive.write(path, path.relative_to(submission))
        with archive.open("weights.bin", "w") as sink:
            block = bytes(MiB)
            for _ in range(case["zeros_mib"]):
                sink.write(block)
    with pytest.raises(IntakeError) as caught:
        intake(zip_path, tmp_path / "unpacked")
    assert not (tmp_path / "unpacked").exists()
    return caught.value.one_line()


@pytest.mark.parametrize("name", NAMES)
def test_hostile_submission(
    name: str, tmp_path: Path, docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    case = tomllib.loads((CASES / name / "case.toml").read_text())
    submission = tmp_path / "submission"
    shutil.copytree(CASES / name / "submission", submission)
    if case["stage"] == "intake":
        message = _intake_case(case, submission, tmp_path)
        assert case["log_contains"] in message
        return
    labels_before = hashlib.sha256(PRIVATE_LABELS.read_bytes()).hexdigest()
    listener = Listener(_bridge_gateway(docker_client))
    inputs = StageInputs(
        submission=submission,
        data=DATA / "public",
        features=DATA / "public" / "features.csv",
        contract=load_contract(submission),
        image=sandbox_image,
    )
    work = tmp_path / "work"
    work.mkdir()
    try:
        run = _run_case(case, inputs, work, {"GRADE_TEST_LISTENER": listener.address})
    finally:
        listener.close()
    log = run.result.log_head + run.result.log_tail
    assert run.result.verdict == case["verdict"], (run.result.reason, log[-2000:])
    assert case.get("log_contains", "") in log, log[-2000:]
    assert case.get("reason_contains", "") in run.result.reason
    if "log_lacks" in case:
        assert case["log_lacks"] not in log, log[-2000:]
    assert listener.connections == 0
    assert hashlib.sha256(PRIVATE_LABELS.read_bytes()).hexdigest() == labels_before
    assert not any(p.is_symlink() for p in work.rglob("*"))
