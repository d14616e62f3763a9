"""Where the self-check runs a candidate's commands: the grading image in Docker when it can,
otherwise the local backend, said plainly, with what differs from grading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.errors import SandboxError
from harness.models import Backend
from harness.sandbox import docker as engine
from harness.sandbox import image
from harness.sandbox.local import DIFFERENCES

Requested = Literal["auto", "docker", "local"]


@dataclass(frozen=True)
class BackendChoice:
    """The backend to use, and the sentence that tells the candidate what it means."""

    backend: Backend
    note: str


def choose_backend(requested: Requested) -> BackendChoice:
    """`auto`: Docker when the engine answers and the grading image is built; else local."""
    if requested == "local":
        return BackendChoice("local", f"as asked, {DIFFERENCES}")
    if requested == "docker":
        return BackendChoice("docker", "Docker, in the grading image")
    problem, tag = docker_problem()
    if problem is None:
        return BackendChoice("docker", f"Docker, in the grading image {tag}")
    return BackendChoice(
        "local",
        f"Docker is not usable here ({problem}), so this falls back to the local backend, "
        f"and {DIFFERENCES}",
    )


def docker_problem() -> tuple[str | None, str]:
    """Why Docker cannot run the grading image here (None: it can), and the image's tag."""
    try:
        client = engine.connect()
        tag = image.runtime_tag(client)
    except SandboxError as err:
        return err.one_line(), ""
    if engine.find_image(client, tag) is None:
        return f"the grading image {tag} is not built; `grade sandbox build` builds it", tag
    return None, tag
