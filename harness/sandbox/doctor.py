"""`grade sandbox doctor`: is the sandbox ready, and if not, the command that fixes it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import docker

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image

BUILD = "grade sandbox build"
CHECKOUT_ENGINE_SCRIPT = image.ASSETS.parents[2] / "sandbox" / image.START_ENGINE_SCRIPT
MIN_FREE_GIB = 5.0


@dataclass(frozen=True)
class Diagnosis:
    """One thing checked: fine or not, what was seen, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


def diagnose() -> list[Diagnosis]:
    """Every check in order; without an engine, the rest cannot be checked."""
    try:
        client = engine.connect()
    except SandboxError as err:
        return [Diagnosis("engine", False, err.message, start_engine_hint())]
    facts = engine.engine_facts(client)
    found = [
        Diagnosis(
            "engine",
            True,
            f"Docker {facts['version']} (API {facts['api']}), {facts['driver']}, "
            f"cgroup v{facts['cgroup']}",
        )
    ]
    base = _base(client)
    found.append(base)
    found.append(
        _runtime(client) if base.ok else Diagnosis("runtime image", False, "needs the base", BUILD)
    )
    if base.ok:
        found.append(_memory_limit(client, image.ensure_base(client)))
    found.append(_disk(facts["root"]))
    return found


def start_engine_hint(cwd: Path | None = None) -> str:
    """`sudo bash` and the engine script: a checkout's `sandbox/start-engine.sh` (relative
    when run from inside the checkout), else the copy installed with the package."""
    script = CHECKOUT_ENGINE_SCRIPT
    if not script.is_file():
        script = image.ASSETS / image.START_ENGINE_SCRIPT
    here = (cwd or Path.cwd()).resolve()
    shown = script.relative_to(here) if script.is_relative_to(here) else script
    return f"sudo bash {shown}"


def _base(client: docker.DockerClient) -> Diagnosis:
    """The base present, under the tag of this package's list; when missing, what is there
    instead (an older list's base is not used, and `grade sandbox build` makes the new one)."""
    try:
        base_id = image.ensure_base(client)
    except SandboxError as err:
        others = engine.repository_tags(client, image.BASE_REPOSITORY)
        stale = f" ({', '.join(others)}: made from another package list)" if others else ""
        return Diagnosis("base image", False, err.message + stale, BUILD)
    short = base_id.removeprefix("sha256:")[:12]
    named = os.environ.get(image.BASE_ENV, "").strip()
    if named:
        detail = f"{named} ({short}), named by {image.BASE_ENV}: its packages are not checked"
        return Diagnosis("base image", True, detail)
    return Diagnosis("base image", True, f"{image.BASE_TAG} ({short})")


def _runtime(client: docker.DockerClient) -> Diagnosis:
    tag = image.runtime_tag(client)
    if engine.find_image(client, tag) is None:
        return Diagnosis("runtime image", False, f"{tag} is not built (or is out of date)", BUILD)
    return Diagnosis("runtime image", True, f"{tag} is current")


def _memory_limit(client: docker.DockerClient, base_image: str) -> Diagnosis:
    """A container limited to 64 MiB that asks for 256 MiB must be killed."""
    spec = engine.ContainerSpec(
        image=base_image,
        command=("python3", "-c", "b = bytearray(256 * 1024 * 1024)"),
        limits=engine.Limits(timeout_s=60, memory_mb=64, pids=16),
        role="doctor",
    )
    outcome = engine.run_container(client, spec)
    if outcome.oom_killed or outcome.exit_code == 137:
        return Diagnosis("memory limit", True, "enforced (a 64 MiB container was stopped)")
    return Diagnosis(
        "memory limit",
        False,
        f"NOT enforced: the container exited {outcome.exit_code}",
        "enable the memory cgroup controller for Docker (see `docker info` warnings)",
    )


def _disk(root: str) -> Diagnosis:
    if not root or not Path(root).exists():
        return Diagnosis("free disk", True, "the engine's disk is not on this machine")
    free = shutil.disk_usage(root).free / 1024**3
    if free < MIN_FREE_GIB:
        return Diagnosis(
            "free disk", False, f"{free:.1f} GiB free under {root}", "grade sandbox clean"
        )
    return Diagnosis("free disk", True, f"{free:.0f} GiB free under {root}")
