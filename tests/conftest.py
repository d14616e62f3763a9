"""Shared fixtures. Tests marked `docker` need a running engine, and tests marked `browser`
need Chromium at /usr/bin/chromium (`sudo bash scripts/install-chromium.sh`): they skip on
a laptop without them, and fail in CI (CI=true), where a skipped test would hide a broken
sandbox or a report that no longer opens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image
from tests.report.chromium import CHROMIUM, Browser, launch

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


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
    """Asserts the test left no harness container or volume behind: none of this process's,
    and none of a harness process that has ended (the `grade` commands the test ran). A
    harness still running elsewhere on the same engine is not this test's business, and
    neither is what an earlier run left: only objects created while the test ran count."""
    started = datetime.now(UTC) - timedelta(seconds=1)
    yield
    containers = docker_client.containers.list(
        all=True, filters={"label": engine.LABEL}, ignore_removed=True
    )
    volumes = docker_client.volumes.list(filters={"label": engine.LABEL})
    left = [
        c.name
        for c in containers
        if _made_since(c.attrs.get("Created"), started) and _ours_or_orphaned(c.labels)
    ]
    left += [v.name for v in volumes
             if _made_since(v.attrs.get("CreatedAt"), started)
             and _ours_or_orphaned(v.attrs.get("Labels") or {})]  # fmt: skip
    assert left == [], f"the harness left containers or volumes behind: {left}"


def _ours_or_orphaned(labels: dict[str, str]) -> bool:
    return labels.get(engine.PID_LABEL) == str(os.getpid()) or engine.orphaned(labels)


def _made_since(created: object, started: datetime) -> bool:
    """Whether the engine's creation time is at or after `started`; a time it did not give
    or that does not parse counts as made now (the test is then strict, not lax)."""
    try:
        moment = datetime.fromisoformat(str(created))
    except ValueError:
        return True
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) >= started


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session, without network."""
    if not CHROMIUM.is_file():
        problem = f"{CHROMIUM} is missing: run `sudo bash scripts/install-chromium.sh`"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {problem}")
        pytest.skip(problem)
    with launch(CHROMIUM) as running:
        yield running


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and PDF prints go for a person to look at (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
