"""Shared fixtures. Tests marked `docker` need a running engine: they skip on a laptop
without one, and fail in CI (CI=true), where a skipped Docker test would hide a broken sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image


@pytest.fixture(scope="session")
def docker_client() -> Any:
    try:
        return engine.connect()
    except SandboxError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Docker tests: {err.one_line()}")
        pytest.skip(f"no Docker engine: {err.one_line()}")


@pytest.fixture(scope="session")
def sandbox_image(docker_client: Any) -> str:
    """The current runtime image, as `grade sandbox build` makes it."""
    try:
        tag = image.runtime_tag(docker_client)
    except SandboxError as err:
        tag, problem = "", err.one_line()
    else:
        problem = "" if engine.find_image(docker_client, tag) else f"{tag} is not built"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Docker tests: {problem}")
        pytest.skip(f"{problem}: run `grade sandbox build`")
    return tag


@pytest.fixture
def no_leftovers(docker_client: Any) -> Iterator[None]:
    """Asserts the test left no harness container or volume behind."""
    yield
    containers = docker_client.containers.list(all=True, filters={"label": engine.LABEL})
    volumes = docker_client.volumes.list(filters={"label": engine.LABEL})
    assert containers == [] and volumes == [], "the harness left containers or volumes behind"
