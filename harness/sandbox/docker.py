"""The only module that talks to Docker: hardened containers, volumes, images, sweeping.

A container is created, started and waited for under the harness's own deadline (the SDK's
`wait(timeout=...)` is an HTTP timeout, not a run limit), its log streamed into a capped
buffer, and it is removed in a `finally`, whatever happened. Every container, volume and
image the harness makes carries `LABEL` plus the pid and start time of the harness process,
so leftovers of a harness killed with SIGKILL can be told apart from those of a harness
still running, and swept. A build's images are marked by its build id (`grade.build`),
which names its harness the same way.

Only what names an owner that is gone is swept. A container naming no pid is not proof of
anything: a build's step containers inherit `grade.harness` (and the build id of the image
they start from) but no pid, and only `grade sandbox clean` removes them. Two harnesses
sweep at once: every removal takes "already gone" and "already being removed" for done.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import requests
from docker.errors import APIError, DockerException, ImageNotFound, NotFound

from harness.errors import SandboxError
from harness.sandbox import leftovers
from harness.sandbox.logs import CappedLog, LogPump

LABEL = "grade.harness"
PID_LABEL = "grade.pid"
START_LABEL = "grade.started"
ROLE_LABEL = "grade.role"
BUILD_LABEL = "grade.build"
"""The build id of an image and of its build's step containers: `<pid>-<start>-<random>`."""
LOG_FILE_FACTOR = 5
"""The engine's log file of a container holds this many times the harness's output cap."""
API_TIMEOUT_S = 60
BUILD_TIMEOUT_S = 1800
POLL_S = 0.5
DOCTOR_HINT = "run `grade sandbox doctor`"
SANDBOX_USER = "65534:65534"


@dataclass(frozen=True)
class Mount:
    """A host folder or file mounted into the container (read-only unless said)."""

    source: Path
    target: str
    read_only: bool = True


@dataclass(frozen=True)
class VolumeMount:
    """A harness-owned named volume mounted into the container."""

    name: str
    target: str
    read_only: bool = False


@dataclass(frozen=True)
class Limits:
    """The run limits of one container."""

    timeout_s: float = 600.0
    memory_mb: int = 2048
    cpus: float = 1.0
    pids: int = 256
    max_output_bytes: int = 20 * 1024 * 1024
    """Past this much log output the container is killed (`output_limit`)."""
    file_size_mb: int = 512
    open_files: int = 1024


@dataclass(frozen=True)
class ContainerSpec:
    """Everything one hardened container is made of."""

    image: str
    command: tuple[str, ...]
    limits: Limits = Limits()
    mounts: tuple[Mount, ...] = ()
    volumes: tuple[VolumeMount, ...] = ()
    tmpfs: Mapping[str, str] = field(default_factory=dict)
    """Mount point -> tmpfs options (size, mode, exec)."""
    environment: Mapping[str, str] = field(default_factory=dict)
    network_mode: str = "none"
    working_dir: str = "/"
    user: str = SANDBOX_USER
    role: str = "stage"
    """What the container is for (a stage's name, keeper, probe), as its `grade.role` label."""


@dataclass(frozen=True)
class ContainerOutcome:
    """How a container ended, as the harness saw it."""

    exit_code: int | None
    timed_out: bool
    oom_killed: bool
    output_limit: bool
    duration_s: float
    peak_memory_mb: float | None
    log: CappedLog


def connect() -> docker.DockerClient:
    """A client for the engine in `DOCKER_HOST` (or the local socket), or a clear error."""
    try:
        client = docker.from_env(timeout=API_TIMEOUT_S)
        client.ping()
    except (DockerException, requests.RequestException) as err:
        raise SandboxError(
            f"cannot reach the Docker engine ({_short(err)})", hint=DOCTOR_HINT
        ) from err
    return client


def connect_and_sweep() -> docker.DockerClient:
    """A client, after sweeping what a harness killed with SIGKILL left behind (its
    containers, volumes, networks, dangling build images and temp folders): every run of
    stages starts this way."""
    client = connect()
    sweep(client)
    leftovers.sweep_temp_folders()
    return client


def owner_labels() -> dict[str, str]:
    """Labels naming this harness process as the owner of what it creates."""
    pid, started = leftovers.this_process()
    return {LABEL: "1", PID_LABEL: pid, START_LABEL: started}


def new_build_id() -> str:
    """A fresh build id naming this harness process as the build's owner."""
    pid, started = leftovers.this_process()
    return f"{pid}-{started}-{uuid.uuid4().hex[:12]}"


def run_container(client: docker.DockerClient, spec: ContainerSpec) -> ContainerOutcome:
    """Run one hardened container to its end, under the harness's own deadline."""
    container = client.containers.create(**_create_args(spec))
    try:
        return _supervise(container, spec.limits)
    finally:
        remove_container(container)


def start_container(client: docker.DockerClient, spec: ContainerSpec) -> Any:
    """Create and start a hardened container the caller supervises and removes (`serve`)."""
    container = client.containers.create(**_create_args(spec))
    try:
        container.start()
    except BaseException:
        remove_container(container)
        raise
    return container


def stop_container(container: Any, started: float) -> ContainerOutcome:
    """Kill a container the caller started (a service), and say how it had ended or was
    ended; the caller still removes it. `started` is its `time.monotonic()` start."""
    state = _state(container)
    ran_on = bool(state.get("Running"))
    if ran_on:
        _kill(container)
    exit_code = _wait_briefly(container, 10.0)
    log = CappedLog()
    with contextlib.suppress(NotFound, APIError, requests.RequestException):
        for chunk in container.logs(stream=True, follow=False):
            log.add(chunk)
    return ContainerOutcome(
        exit_code=None if ran_on else exit_code,
        timed_out=False,
        oom_killed=bool(_state(container).get("OOMKilled")),
        output_limit=False,
        duration_s=time.monotonic() - started,
        peak_memory_mb=None,
        log=log,
    )


def remove_container(container: Any) -> None:
    """Kill and remove a container; already gone is fine."""
    _remove(lambda: container.remove(force=True, v=True))


def _remove(action: Callable[[], object]) -> None:
    """Run a removal; already gone is fine, and while the engine is still tearing the
    thing down it fails once: try again a second later."""
    for attempt in range(2):
        try:
            action()
            return
        except NotFound:
            return
        except (APIError, requests.RequestException):
            if attempt:
                return
            time.sleep(1)


def _create_args(spec: ContainerSpec) -> dict[str, Any]:
    """The hardened `containers.create` arguments: nothing here is left to a default."""
    limits = spec.limits
    memory = f"{limits.memory_mb}m"
    return {
        "image": spec.image,
        "command": list(spec.command),
        "detach": True,
        "labels": {**owner_labels(), ROLE_LABEL: spec.role},
        "user": spec.user,
        "working_dir": spec.working_dir,
        "environment": dict(spec.environment),
        "network_mode": spec.network_mode,
        "read_only": True,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "pids_limit": limits.pids,
        "mem_limit": memory,
        "memswap_limit": memory,
        "nano_cpus": int(limits.cpus * 1e9),
        "ulimits": _ulimits(limits),
        "init": True,
        "tmpfs": dict(spec.tmpfs),
        "mounts": _mounts(spec),
        "log_config": _log_config(limits),
        "stdin_open": False,
        "tty": False,
    }


def _log_config(limits: Limits) -> dict[str, Any]:
    """The engine's own log file, capped on disk. It must hold well more than the harness's
    output cap (JSON lines are larger than what was printed): when the file rotates under a
    follower, Docker 20.10 can end the stream ("Error grabbing logs"), and a stage that
    printed a gigabyte would look like one that printed ten megabytes and ended well."""
    size_mb = max(10, LOG_FILE_FACTOR * limits.max_output_bytes // (1024 * 1024))
    return {"type": "json-file", "config": {"max-size": f"{size_mb}m", "max-file": "1"}}


def _ulimits(limits: Limits) -> list[docker.types.Ulimit]:
    size = limits.file_size_mb * 1024 * 1024
    return [
        docker.types.Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
        docker.types.Ulimit(name="fsize", soft=size, hard=size),
        docker.types.Ulimit(name="core", soft=0, hard=0),
    ]


def _mounts(spec: ContainerSpec) -> list[docker.types.Mount]:
    binds = [
        docker.types.Mount(m.target, str(m.source), type="bind", read_only=m.read_only)
        for m in spec.mounts
    ]
    volumes = [
        docker.types.Mount(v.target, v.name, type="volume", read_only=v.read_only)
        for v in spec.volumes
    ]
    return binds + volumes


def _supervise(container: Any, limits: Limits) -> ContainerOutcome:
    log = CappedLog()
    started = time.monotonic()
    container.start()
    reader = LogPump(
        lambda: container.logs(stream=True, follow=True),
        log,
        limits.max_output_bytes,
        vanished=(NotFound, APIError, requests.RequestException, ValueError),
    )
    reader.start()
    sampler = MemorySampler(container)
    sampler.start()
    deadline = started + limits.timeout_s
    killed_for: str | None = None
    exit_code: int | None = None
    while exit_code is None:
        exit_code = _wait_briefly(container)
        if exit_code is not None:
            break
        if reader.over_limit or time.monotonic() >= deadline:
            killed_for = "output" if reader.over_limit else "timeout"
            _kill(container)
            exit_code = _wait_briefly(container, 10.0)
    duration = time.monotonic() - started
    sampler.stop()
    reader.join(timeout=5)
    state = _state(container)
    return ContainerOutcome(
        exit_code=exit_code,
        timed_out=killed_for == "timeout",
        oom_killed=bool(state.get("OOMKilled")) and killed_for is None,
        output_limit=killed_for == "output",
        duration_s=duration,
        peak_memory_mb=sampler.peak,
        log=log,
    )


class MemorySampler(threading.Thread):
    """A container's peak memory, from the engine's stats stream (a sample a second) in the
    background. A one-off stats call blocks for about a second (the engine waits for its
    next sample, `one_shot` or not): made in the supervising loop, it delayed noticing that
    a stage had ended by as much, an idle second per stage. The stream does not end when the
    container does, so the sampler stops at the first sample after `stop()` or after the
    container is gone."""

    def __init__(self, container: Any) -> None:
        super().__init__(daemon=True)
        self.container = container
        self.peak: float | None = None
        self._stopped = threading.Event()

    def stop(self) -> None:
        """Stop at the next sample; the supervisor never waits for it."""
        self._stopped.set()

    def run(self) -> None:
        try:
            stream = self.container.stats(stream=True, decode=True)
            try:
                for stats in stream:
                    used = _used_mb(stats)
                    if self._stopped.is_set() or (used is None and self.peak is not None):
                        return
                    self.peak = _max(self.peak, used)
            finally:
                stream.close()
        except (NotFound, APIError, requests.RequestException, ValueError):
            return


def _wait_briefly(container: Any, seconds: float = POLL_S) -> int | None:
    """The exit code if the container ends within `seconds`, else None. The SDK signals
    its HTTP timeout as ReadTimeout or ConnectionError depending on where it struck."""
    try:
        result = container.wait(timeout=seconds)
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        return None
    code = result.get("StatusCode")
    return int(code) if code is not None else None


def _kill(container: Any) -> None:
    with contextlib.suppress(NotFound, APIError):  # it may have ended on its own meanwhile
        container.kill()


def _state(container: Any) -> dict[str, Any]:
    try:
        container.reload()
    except (NotFound, APIError):
        return {}
    state: dict[str, Any] = container.attrs.get("State", {})
    return state


def _used_mb(stats: Mapping[str, Any]) -> float | None:
    """Peak memory so far in one stats sample (cgroup v1 keeps the max; v2 gives current
    usage); None in a sample of a container that is not running."""
    memory = stats.get("memory_stats") or {}
    used = memory.get("max_usage") or memory.get("usage")
    return used / (1024 * 1024) if used else None


def _max(a: float | None, b: float | None) -> float | None:
    values = [v for v in (a, b) if v is not None]
    return max(values) if values else None


# --- volumes and the keeper ----------------------------------------------------------------


def create_tmpfs_volume(client: docker.DockerClient, name: str, size_mb: int) -> str:
    """A named volume backed by a size-capped tmpfs, writable by the sandbox user."""
    uid, gid = SANDBOX_USER.split(":")
    client.volumes.create(
        name=name,
        driver="local",
        driver_opts={
            "type": "tmpfs",
            "device": "tmpfs",
            "o": f"size={size_mb}m,uid={uid},gid={gid}",
        },
        labels=owner_labels(),
    )
    return name


def remove_volume(client: docker.DockerClient, name: str) -> None:
    _remove(lambda: client.volumes.get(name).remove(force=True))


def read_archive(container: Any, path: str, max_bytes: int) -> bytes:
    """A folder of a running container as tar bytes, refusing more than `max_bytes`."""
    try:
        chunks, _stat = container.get_archive(path)
    except NotFound:
        return b""
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > max_bytes:
            raise SandboxError(f"{path}: the output is larger than {max_bytes // 1024 // 1024} MiB")
    return buffer.getvalue()


# --- images ---------------------------------------------------------------------------------


def find_image(client: docker.DockerClient, tag: str) -> str | None:
    """The id of the image tagged `tag`, or None."""
    try:
        image = client.images.get(tag)
    except ImageNotFound:
        return None
    image_id: str = image.id
    return image_id


def repository_tags(client: docker.DockerClient, repository: str) -> list[str]:
    """Every tag of `repository` present on the engine (`grade-base:...`), sorted."""
    summaries = _listed(lambda: client.api.images(name=repository))
    return sorted(tag for summary in summaries for tag in summary.get("RepoTags") or [])


class BuildStepError(SandboxError):
    """A `RUN` step of a build exited with `exit_code` by itself (not killed): what it ran
    failed, not the engine. `log` is the build's output."""

    def __init__(self, message: str, exit_code: int, log: str) -> None:
        super().__init__(message, hint=log[-2000:])
        self.exit_code = exit_code
        self.log = log


_STEP_EXIT = re.compile(r"returned a non-zero code: (\d+)")
KILLED_EXIT = 128
"""A step's exit code at or above this is a signal (137: SIGKILL): the step was killed."""


def build_image(
    client: docker.DockerClient,
    context: Path,
    tag: str,
    labels: Mapping[str, str],
    timeout_s: float = BUILD_TIMEOUT_S,
    network: str = "none",
) -> tuple[str, str]:
    """`docker build --network none` of `context` (`network` names another mode for the one
    build that needs apt); returns the image id and the build log.
    A build step can stay silent for long (pip, a large COPY): the HTTP timeout is long.
    Raises BuildStepError when a step's command failed, SandboxError when the engine did
    (it stopped answering, refused, or killed a step: exit 137, "removal in progress")."""
    lines: list[str] = []
    try:
        image, stream = client.images.build(
            path=str(context), tag=tag, network_mode=network, rm=True, forcerm=True,
            labels={LABEL: "1", **labels}, timeout=timeout_s,
        )  # fmt: skip
    except requests.RequestException as err:
        raise SandboxError(f"building {tag}: the engine stopped answering ({_short(err)})") from err
    except docker.errors.BuildError as err:
        raise _build_failure(tag, err) from err
    except APIError as err:
        raise SandboxError(f"building {tag}: the engine failed ({_short(err)})") from err
    for item in stream:
        lines.append(str(item.get("stream", "")))
    image_id: str = image.id
    return image_id, "".join(lines)


def _build_failure(tag: str, err: docker.errors.BuildError) -> SandboxError:
    """A step that exited by itself failed; anything else is the engine's failure."""
    log = "".join(str(item.get("stream", item.get("error", ""))) for item in err.build_log)
    found = _STEP_EXIT.search(str(err))
    code = int(found.group(1)) if found else None
    if code is not None and code < KILLED_EXIT:
        return BuildStepError(f"building {tag} failed: {_short(err)}", code, log)
    return SandboxError(
        f"building {tag}: the engine failed ({_short(err)})", hint=log[-2000:] or None
    )


def prune_build(client: docker.DockerClient, build_id: str) -> None:
    """Remove the untagged images one build left (a first stage holding the wheelhouse, or
    the steps before a failure); what another sweep removes meanwhile is fine."""
    for image in _dangling_builds(client, f"{BUILD_LABEL}={build_id}"):
        remove_image(client, image["Id"])


def _dangling_builds(client: docker.DockerClient, label: str = BUILD_LABEL) -> list[Any]:
    return _image_summaries(client, {"dangling": True, "label": label})


def _image_summaries(client: docker.DockerClient, filters: dict[str, Any]) -> list[Any]:
    """The images matching `filters`, as the engine lists them (`Id`, `Labels`) in one call:
    the SDK's `images.list` inspects each one, and fails on one removed meanwhile."""
    return _listed(lambda: client.api.images(filters=filters))


def harness_images(client: docker.DockerClient) -> list[Any]:
    return list(client.images.list(filters={"label": LABEL}))


def remove_old_images(client: docker.DockerClient, keep: set[str]) -> int:
    """Remove the harness's images but those tagged in `keep` (the current runtime): old
    runtimes, and submission layers (caches, rebuilt when needed). Returns how many."""
    removed = 0
    for image in harness_images(client):
        if not keep & set(image.tags):
            remove_image(client, image.id)
            removed += 1
    return removed


# --- sweeping ---------------------------------------------------------------------------------


def sweep(client: docker.DockerClient, everything: bool = False) -> int:
    """Remove the harness's containers, volumes, networks and dangling build images whose
    owner process is gone (or all, with `everything`, for `grade sandbox clean`). Returns how
    many were removed. Another sweep may run at once: what it removes first is skipped."""
    removed = 0
    for container in _containers(client):
        if everything or orphaned(container.labels):
            remove_container(container)
            removed += 1
    for volume in _listed(lambda: client.volumes.list(filters={"label": LABEL})):
        if everything or orphaned(volume.attrs.get("Labels") or {}):
            remove_volume(client, volume.name)
            removed += 1
    for network in _listed(lambda: client.networks.list(filters={"label": LABEL})):
        if everything or orphaned(network.attrs.get("Labels") or {}):
            _remove(network.remove)
            removed += 1
    tagged = _tagged_builds(client)
    for image in _dangling_builds(client):
        if everything or _build_orphaned(image.get("Labels") or {}, tagged):
            remove_image(client, image["Id"])
            removed += 1
    return removed


def _containers(client: docker.DockerClient) -> list[Any]:
    """The harness's containers; one removed between listing and inspecting is left out
    (the SDK inspects each one listed, and would raise NotFound)."""
    return _listed(
        lambda: client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True)
    )


def _listed(listing: Callable[[], list[Any]]) -> list[Any]:
    """What `listing` lists, or nothing when the engine failed at it (an object removed
    while listed): a sweep never fails a grading, and the next one gets the rest."""
    try:
        return list(listing())
    except (APIError, requests.RequestException):
        return []


def orphaned(labels: Mapping[str, str]) -> bool:
    """Whether the harness process named by this object's pid labels is gone. An object
    with no pid label names no owner (a build's step container) and is not orphaned."""
    pid = labels.get(PID_LABEL)
    return pid is not None and leftovers.owner_gone(pid, labels.get(START_LABEL, ""))


def _build_orphaned(labels: Mapping[str, str], tagged: set[str]) -> bool:
    """Whether a dangling image was left by a build whose harness is gone. The build id of a
    tagged image does not count: an image built on it inherits its label until its own
    build's `LABEL` step (a step image of a running build, or a cached one)."""
    build_id = labels.get(BUILD_LABEL, "")
    owner = build_owner(build_id)
    return owner is not None and build_id not in tagged and leftovers.owner_gone(*owner)


def _tagged_builds(client: docker.DockerClient) -> set[str]:
    images = _image_summaries(client, {"dangling": False, "label": BUILD_LABEL})
    return {(image.get("Labels") or {}).get(BUILD_LABEL, "") for image in images}


def build_owner(build_id: str) -> tuple[str, str] | None:
    """(pid, start time) a build id names, or None (a manual build, or an older harness's)."""
    pid, started, rest = [*build_id.split("-", 2), "", ""][:3]
    if not (pid.isdigit() and started.isdigit() and rest):
        return None
    return pid, started


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text[:300] or type(err).__name__


def live_containers(client: docker.DockerClient) -> Iterator[Any]:
    """This harness process's own containers still present."""
    for container in _containers(client):
        if container.labels.get(PID_LABEL) == str(os.getpid()):
            yield container


def pull_and_tag(client: docker.DockerClient, reference: str, tag: str) -> str | None:
    """Pull `reference` and tag it `tag`; None when no registry answers (never raises)."""
    try:
        image = client.images.pull(reference)
    except (APIError, requests.RequestException):
        return None
    repository, _, name = tag.partition(":")
    image.tag(repository, name or "latest")
    image_id: str = image.id
    return image_id


def engine_facts(client: docker.DockerClient) -> dict[str, Any]:
    """The engine's version, API, storage driver, cgroup version and data folder."""
    info = client.info()
    version = client.version()
    return {
        "version": version.get("Version", "?"),
        "api": version.get("ApiVersion", "?"),
        "driver": info.get("Driver", "?"),
        "cgroup": info.get("CgroupVersion", "?"),
        "root": info.get("DockerRootDir", ""),
    }


def remove_image(client: docker.DockerClient, image_id: str) -> None:
    _remove(lambda: client.images.remove(image_id, force=True))
