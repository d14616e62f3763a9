"""Gradings running at once on one engine leave each other alone (issue 12, item 1).

Each round starts three `grade` processes together, each with its own `--out`: two of one zip
whose requirements.txt needs a new layer (unique each round, so a layer really is built, by one
of them while the other waits for it), and one of a zip without requirements. Meanwhile this
test sweeps as a harness starting would, again and again: a build's step containers carry the
harness's label but no owner, and sweeping them killed the install ("exit 137", blamed on pip).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker.errors import ImageNotFound

from harness.sandbox import docker as engine
from harness.sandbox import image
from tests.sandbox.tiny import tiny_zip

pytestmark = pytest.mark.docker
GRADE = Path(sys.executable).with_name("grade")
ROUNDS = 3
LATER = ("train", "predict", "test", "serve")
SWEEP_EVERY_S = 0.2


@contextlib.contextmanager
def sweeping(client: Any) -> Iterator[list[int]]:
    """Sweep the engine over and over while the block runs, as harnesses starting would."""
    stop = threading.Event()
    sweeps: list[int] = []

    def loop() -> None:
        while not stop.wait(SWEEP_EVERY_S):
            sweeps.append(engine.sweep(client))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sweeps
    finally:
        stop.set()
        thread.join(timeout=60)


def _start(zip_path: Path, out: Path, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.Popen(
        [GRADE, str(zip_path), "--out", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _finish(child: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = child.communicate(timeout=600)
    assert child.returncode == 0, stderr[-3000:]
    result: dict[str, Any] = json.loads(stdout)
    return result


def _verdicts(result: dict[str, Any]) -> dict[str, str]:
    return {name: stage["verdict"] for name, stage in result["stages"].items()}


@pytest.fixture
def layers(docker_client: Any) -> Iterator[list[str]]:
    """The submission layers the rounds build, removed afterwards."""
    tags: list[str] = []
    yield tags
    for tag in tags:
        with contextlib.suppress(ImageNotFound):
            docker_client.images.remove(tag, force=True)


def test_three_gradings_at_once_never_break_each_others_install(
    tmp_path: Path, docker_client: Any, sandbox_image: str, layers: list[str], no_leftovers: None
) -> None:
    plain = tiny_zip(tmp_path / "plain.zip")
    cache = tmp_path / "cache"
    for number in range(ROUNDS):
        requirements = f"tabulate==0.9.0\n# round {number}: {uuid.uuid4().hex}\n"
        layers.append(image.submission_tag(requirements.encode(), sandbox_image))
        layered = tiny_zip(tmp_path / f"layered-{number}.zip", requirements)
        outs = [tmp_path / f"out-{number}-{kind}" for kind in ("a", "b", "plain")]
        with sweeping(docker_client) as sweeps:
            children = [_start(layered, outs[0], cache), _start(layered, outs[1], cache)]
            children.append(_start(plain, outs[2], cache))
            results = [_finish(child) for child in children]
        assert sweeps, "the test never swept while the gradings ran"
        installs = [results[0]["stages"]["install"], results[1]["stages"]["install"]]
        assert [stage["verdict"] for stage in installs] == ["ok", "ok"], installs
        assert sorted(stage["reason"] for stage in installs) == [
            "installed",
            "reused the cached image",
        ], installs
        assert results[2]["stages"]["install"]["reason"] == "no requirements.txt"
        for result in results:
            assert {name: _verdicts(result)[name] for name in LATER} == dict.fromkeys(LATER, "ok")
        assert engine.find_image(docker_client, layers[-1]) is not None
        assert _dangling_of(docker_client, children) == []


def _dangling_of(client: Any, children: list[subprocess.Popen[str]]) -> list[str]:
    """Untagged images the builds of these gradings left (their build ids name their pid)."""
    pids = {str(child.pid) for child in children}
    dangling = client.images.list(filters={"dangling": True, "label": engine.BUILD_LABEL})
    return [
        found.id
        for found in dangling
        if found.labels.get(engine.BUILD_LABEL, "").split("-", 1)[0] in pids
    ]
