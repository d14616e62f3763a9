"""`grade sandbox build`: the base image (pulled where a registry answers, else built from
Debian packages by `sandbox/build-base.sh`), then the runtime image on top of it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

import docker

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image

OFFICIAL_BASE = "python:3.11-slim"


def build_all(progress: Callable[[str], None]) -> image.BuiltImage:
    """Make sure the base and the runtime images exist; a warm call builds nothing."""
    client = engine.connect()
    try:
        image.ensure_base(client)
    except SandboxError:
        _make_base(client, progress)
    return image.build_runtime(client, progress)


def _make_base(client: docker.DockerClient, progress: Callable[[str], None]) -> None:
    if os.environ.get(image.BASE_ENV):
        raise SandboxError(f"{image.BASE_ENV} names an image that is not present")
    progress(f"base image: trying the registry for {OFFICIAL_BASE}")
    if engine.pull_and_tag(client, OFFICIAL_BASE, image.BASE_TAG) is not None:
        progress(f"base image: pulled {OFFICIAL_BASE} as {image.BASE_TAG}")
        return
    if os.geteuid() != 0:
        raise SandboxError(
            "no registry answers and the base image is missing", hint=image.BASE_HINT
        )
    progress("base image: no registry answers; building it from Debian packages (about a minute)")
    script = image.sandbox_dir() / "build-base.sh"
    done = subprocess.run(["bash", str(script), image.BASE_TAG], check=False, timeout=1800)
    if done.returncode != 0:
        raise SandboxError(
            f"{script.name} failed with exit code {done.returncode}", hint="see its output above"
        )
