"""`grade sandbox build`: the base image, then the runtime image on top of it.

The base is `image.BASE_TAG`, a tag that names its package list (`assets/base-packages.txt`),
so an engine holding a base made from an older list builds the current one instead of
reusing it. Where a registry answers, the official `python:3.11-slim` is pulled and the
packages are added with apt; where none does (and as root), `assets/build-base.sh` makes it
from Debian packages with debootstrap. Both read only the package's own files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable

import docker

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image

OFFICIAL_BASE = "python:3.11-slim"
BASE_SCRIPT_TIMEOUT_S = 1800


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
    pulled = engine.pull_and_tag(client, OFFICIAL_BASE, OFFICIAL_BASE)
    if pulled is not None:
        image.build_base_on(client, pulled, progress)
        progress(f"base image: {image.BASE_TAG} built on {OFFICIAL_BASE}")
        return
    if os.geteuid() != 0:
        raise SandboxError(
            "no registry answers and the base image is missing",
            hint="run `grade sandbox build` as root: it builds the base from Debian packages",
        )
    progress("base image: no registry answers; building it from Debian packages (about a minute)")
    build_base_script(image.BASE_TAG)


def build_base_script(tag: str) -> None:
    """Run the packaged `build-base.sh` for `tag`; its own output goes to the terminal."""
    script = image.sandbox_dir() / image.BUILD_BASE_SCRIPT
    done = subprocess.run(
        ["bash", str(script), tag], check=False, timeout=BASE_SCRIPT_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0:
        raise SandboxError(
            f"{script.name} failed with exit code {done.returncode}", hint="see its output above"
        )
