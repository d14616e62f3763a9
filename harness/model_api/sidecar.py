"""The model API beside a stage: in a hardened sidecar container, or as a host process.

Docker: the server runs in a container of its own, made by the hardened runner (its labels,
read-only root, no capability, a non-root user, `network_mode=none`, removed in a `finally`).
A stage joins its network namespace (`network_mode=container:<id>`) and reaches it on
127.0.0.1:8900, the way the serve probe reaches a service: neither has a route out. server.py
and its config are mounted read-only from a temporary folder of the harness that no candidate
container mounts; the log folder is a writable mount of the sidecar only, read back on the
host once the sidecar has stopped (SIGTERM first, so that a request still held is logged).
The sidecar runs on the challenge's runtime image, never on a submission's requirements
layer (a package's `.pth` file would run inside it), and its Python is isolated (`-I -S`: no
site-packages, no environment variables).

Host process: the same server as a subprocess on a free port of 127.0.0.1, for the `local`
backend and for tests of the analysis. Either way the caller gets `ApiAccess` (the address,
the key, the network mode, the environment variables and placeholders of a stage), and
`stop()` gives back the request log, parsed as untrusted data.

    with DockerSidecar(client, runtime_image, config) as api:
        spec = ContainerSpec(..., network_mode=api.access.network_mode,
                             environment={..., **api.access.environment()})
        ...
        served = api.stop()          # served.log: the RequestLog
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
from docker.errors import APIError, NotFound

from harness.errors import SandboxError
from harness.model_api import server
from harness.model_api.config import server_source
from harness.model_api.requestlog import RequestLog, read_request_log
from harness.sandbox import docker as engine
from harness.sandbox import leftovers
from harness.sandbox.logs import CappedLog, LogPump

PORT = 8900
SERVER_DIR = "/opt/model_api"
LOG_DIR = "/log"
LOG_NAME = "requests.jsonl"
TEMP_PREFIX = "grade-model-api-"
STARTUP_S = 20.0
STOP_GRACE_S = 5
POLL_S = 0.2
SERVER_OUTPUT_BYTES = 64 * 1024
ADDRESS = re.compile(r"listening on (http://\S+/v1) \(key: (\S+)\)")
SIDECAR_LIMITS = engine.Limits(
    timeout_s=24 * 3600.0,  # the stage's own deadline governs; the sidecar lives as long
    memory_mb=256,
    cpus=0.5,
    pids=512,  # a thread per connection: a storm of connections must not starve it
    max_output_bytes=1024 * 1024,
    file_size_mb=128,
)
SERVER_COMMAND = (
    *("python3", "-I", "-S", f"{SERVER_DIR}/server.py", "--config", f"{SERVER_DIR}/config.json"),
    *("--log", f"{LOG_DIR}/{LOG_NAME}", "--port", str(PORT)),
)
HEALTH_SCRIPT = (
    "import sys, urllib.request\n"
    "try:\n"
    f"    urllib.request.urlopen('http://127.0.0.1:{PORT}/health', timeout=2).read()\n"
    "except Exception:\n"
    "    sys.exit(1)\n"
)


@dataclass(frozen=True)
class ApiAccess:
    """What a stage needs to reach the model API."""

    base_url: str
    key: str
    network_mode: str | None = None
    """`container:<sidecar id>` for a Docker stage; None for a host process."""

    def environment(self) -> dict[str, str]:
        """The documented variables, and the openai SDK's own so it works with no code."""
        return {
            "GRADE_MODEL_API_BASE_URL": self.base_url,
            "GRADE_MODEL_API_KEY": self.key,
            "OPENAI_BASE_URL": self.base_url,
            "OPENAI_API_KEY": self.key,
        }

    def placeholders(self) -> dict[str, str]:
        """The contract's `{model_api}` and `{model_api_key}`."""
        return {"model_api": self.base_url, "model_api_key": self.key}


@dataclass(frozen=True)
class ServedLog:
    """What the model API leaves when it stops: its request log, and its own output."""

    log: RequestLog
    server_output: str
    exit_code: int | None


class _Sidecar:
    """What both sidecars share: the folder of the log, stopping once on a clean exit, and
    the cleanup of whatever they started, whatever happens."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._served: ServedLog | None = None
        self._log_dir: Path | None = None

    @property
    def log_path(self) -> Path:
        """The request log on the host (written while the server runs, flushed per line)."""
        if self._log_dir is None:
            raise SandboxError("the model API has not started")
        return self._log_dir / LOG_NAME

    def stop(self) -> ServedLog:
        raise NotImplementedError

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._served is None and kind is None:
                self.stop()
        finally:
            self._stack.close()


class DockerSidecar(_Sidecar):
    """The server in a hardened container (a context manager; `stop()` reads the log)."""

    def __init__(
        self,
        client: Any,
        image: str,
        config: Mapping[str, Any],
        startup_s: float = STARTUP_S,
    ) -> None:
        self.client = client
        self.image = image
        self.config = dict(config)
        self.startup_s = startup_s
        super().__init__()
        self._container: Any = None
        self._started = 0.0

    @property
    def access(self) -> ApiAccess:
        if self._container is None:
            raise SandboxError("the model API sidecar is not running")
        url = f"http://127.0.0.1:{PORT}/v1"
        return ApiAccess(url, str(self.config["key"]), f"container:{self._container.id}")

    def __enter__(self) -> DockerSidecar:
        try:
            folder = self._stack.enter_context(leftovers.owned_temp_dir(TEMP_PREFIX))
            opt, self._log_dir = prepare_folder(folder, self.config)
            self._container = engine.start_container(self.client, self._spec(opt, self._log_dir))
            self._stack.callback(engine.remove_container, self._container)
            self._started = time.monotonic()
            self._wait_ready()
        except BaseException:
            self._stack.close()
            raise
        return self

    def stop(self) -> ServedLog:
        """Stop the server (SIGTERM, then SIGKILL) and read its log; once is enough."""
        if self._served is not None:
            return self._served
        container = self._container
        with contextlib.suppress(NotFound, APIError, requests.RequestException):
            container.stop(timeout=STOP_GRACE_S)
        outcome = engine.stop_container(container, self._started)
        log = read_request_log(self.log_path)
        output = outcome.log.head() + outcome.log.tail()
        self._served = ServedLog(log, output[-SERVER_OUTPUT_BYTES:], _exit_code(container))
        return self._served

    def _spec(self, opt: Path, log_dir: Path) -> engine.ContainerSpec:
        return engine.ContainerSpec(
            image=self.image,
            command=SERVER_COMMAND,
            limits=SIDECAR_LIMITS,
            mounts=(engine.Mount(opt, SERVER_DIR), engine.Mount(log_dir, LOG_DIR, read_only=False)),
            tmpfs={"/tmp": "size=16m,mode=1777"},
            network_mode="none",
            role="model-api",
        )

    def _wait_ready(self) -> None:
        """Until the server answers /health from inside its own namespace."""
        deadline = time.monotonic() + self.startup_s
        while time.monotonic() < deadline:
            if not _running(self._container):
                raise SandboxError(
                    "the model API sidecar exited at start", hint=_container_output(self._container)
                )
            with contextlib.suppress(APIError, requests.RequestException):
                result = self._container.exec_run(["python3", "-I", "-S", "-c", HEALTH_SCRIPT])
                if result.exit_code == 0:
                    return
            time.sleep(POLL_S)
        raise SandboxError(
            f"the model API sidecar did not answer within {self.startup_s:g} s",
            hint=_container_output(self._container),
        )


class ProcessSidecar(_Sidecar):
    """The server as a host subprocess on a free local port (the `local` backend, tests)."""

    def __init__(self, config: Mapping[str, Any], startup_s: float = STARTUP_S) -> None:
        self.config = dict(config)
        self.startup_s = startup_s
        super().__init__()
        self._process: subprocess.Popen[bytes] | None = None
        self._output = CappedLog()
        self._access: ApiAccess | None = None

    @property
    def access(self) -> ApiAccess:
        if self._access is None:
            raise SandboxError("the model API is not running")
        return self._access

    def __enter__(self) -> ProcessSidecar:
        try:
            folder = self._stack.enter_context(leftovers.owned_temp_dir(TEMP_PREFIX))
            opt, self._log_dir = prepare_folder(folder, self.config)
            self._process = self._start(opt, self._log_dir)
            self._stack.callback(_end_process, self._process)
            self._access = self._wait_ready(self._process)
        except BaseException:
            self._stack.close()
            raise
        return self

    def stop(self) -> ServedLog:
        """Stop the server (SIGTERM, then SIGKILL) and read its log; once is enough."""
        if self._served is not None:
            return self._served
        assert self._process is not None
        code = _end_process(self._process)
        log = read_request_log(self.log_path)
        output = self._output.head() + self._output.tail()
        self._served = ServedLog(log, output[-SERVER_OUTPUT_BYTES:], code)
        return self._served

    def _start(self, opt: Path, log_dir: Path) -> subprocess.Popen[bytes]:
        argv = [
            sys.executable, "-I", "-S", str(opt / "server.py"),
            "--config", str(opt / "config.json"), "--log", str(log_dir / LOG_NAME),
            "--host", "127.0.0.1", "--port", "0",
        ]  # fmt: skip
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        stdout = process.stdout
        assert stdout is not None
        LogPump(lambda: iter(stdout.readline, b""), self._output, 1 << 62).start()
        return process

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> ApiAccess:
        deadline = time.monotonic() + self.startup_s
        while time.monotonic() < deadline:
            found = ADDRESS.search(self._output.head())
            if found:
                return ApiAccess(found.group(1), found.group(2))
            if process.poll() is not None:
                raise SandboxError(
                    "the model API exited at start", hint=self._output.head()[-2000:]
                )
            time.sleep(POLL_S / 4)
        raise SandboxError(f"the model API did not start within {self.startup_s:g} s")


def prepare_folder(folder: Path, config: Mapping[str, Any]) -> tuple[Path, Path]:
    """`opt/` (server.py and config.json, read-only for the server) and `log/` (the log
    file made beforehand, writable: the folder itself stays the harness's)."""
    try:
        server.settings_from(dict(config))
    except server.ConfigError as err:
        raise SandboxError(f"the model API config is not valid ({err})") from err
    opt, log_dir = folder / "opt", folder / "log"
    for made in (opt, log_dir):
        made.mkdir()
        made.chmod(0o755)
    (opt / "server.py").write_text(server_source(), encoding="utf-8")
    (opt / "config.json").write_text(json.dumps(dict(config)), encoding="utf-8")
    log = log_dir / LOG_NAME
    log.touch()
    for readable in (opt / "server.py", opt / "config.json"):
        readable.chmod(0o644)
    log.chmod(0o666)  # the sidecar's user appends to it; it can make nothing else there
    return opt, log_dir


def _end_process(process: subprocess.Popen[bytes]) -> int | None:
    """SIGTERM, a grace period, then SIGKILL; the exit code (None if it would not die)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            process.kill()
    try:
        return process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        return None


def _running(container: Any) -> bool:
    try:
        container.reload()
    except (NotFound, APIError, requests.RequestException):
        return False
    return bool(container.attrs.get("State", {}).get("Running"))


def _exit_code(container: Any) -> int | None:
    with contextlib.suppress(NotFound, APIError, requests.RequestException):
        container.reload()
        code = container.attrs.get("State", {}).get("ExitCode")
        return int(code) if code is not None else None
    return None


def _container_output(container: Any) -> str:
    with contextlib.suppress(NotFound, APIError, requests.RequestException):
        raw = container.logs(stdout=True, stderr=True, tail=40)
        return bytes(raw).decode("utf-8", "replace")[-2000:]
    return ""
