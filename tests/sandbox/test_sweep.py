"""What a sweep removes: only what names an owner that is gone (issue 12, items 1 and 9).

A container with no pid label (a build's step container) is not proof of an orphan; one
whose owner was killed is. Dangling build images go the same way, by the owner their build
id names. The temp folder of a grading killed with SIGKILL (the unpacked submission) goes at
the next start, while the folder of a harness still running stays. Two sweeps at once both
finish.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docker.errors import ImageNotFound, NotFound

from harness.sandbox import docker as engine
from harness.sandbox import leftovers
from tests.sandbox.tiny import tiny_zip

GRADE = Path(sys.executable).with_name("grade")
Made = list[Callable[[], object]]
"""How to remove each container and image a test made."""


def _dead_owner() -> tuple[str, str]:
    """(pid, start time) of a process that has ended: a harness killed with SIGKILL."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = ""
    while not started:
        started = leftovers.process_start(child.pid)
    child.kill()
    child.wait()
    return str(child.pid), started


def _labels(pid: str, started: str) -> dict[str, str]:
    return {engine.LABEL: "1", engine.PID_LABEL: pid, engine.START_LABEL: started}


# --- the rule --------------------------------------------------------------------------------


def test_an_object_naming_no_owner_is_not_an_orphan() -> None:
    assert not engine.orphaned({engine.LABEL: "1"})
    step = {engine.LABEL: "1", engine.BUILD_LABEL: "1-1-inherited-from-the-runtime"}
    assert not engine.orphaned(step)


def test_an_object_is_an_orphan_when_its_owner_is_gone() -> None:
    pid, started = _dead_owner()
    assert engine.orphaned(_labels(pid, started))
    assert not engine.orphaned(engine.owner_labels())
    assert engine.orphaned(_labels(str(os.getpid()), "1")), "a reused pid is another process"


def test_a_build_id_names_its_owner() -> None:
    pid, started = leftovers.this_process()
    assert engine.build_owner(engine.new_build_id()) == (pid, started)
    assert engine.build_owner("manual") is None
    assert engine.build_owner(uuid.uuid4().hex) is None  # an older harness's build


# --- containers and images, for real ----------------------------------------------------------


@pytest.fixture
def made(docker_client: Any) -> Iterator[Made]:
    """Removes what the test made afterwards, whatever the sweep did."""
    removals: Made = []
    yield removals
    for remove in reversed(removals):
        with contextlib.suppress(NotFound, ImageNotFound):
            remove()


def _container(client: Any, image: str, labels: dict[str, str], made: Made) -> Any:
    container = client.containers.create(image, ["true"], labels=labels, network_disabled=True)
    made.append(lambda: container.remove(force=True))
    return container


def _exists(client: Any, container: Any) -> bool:
    try:
        client.containers.get(container.id)
    except NotFound:
        return False
    return True


@pytest.mark.docker
def test_a_sweep_removes_a_dead_owners_container_and_not_one_naming_no_owner(
    docker_client: Any, sandbox_image: str, made: Made
) -> None:
    pid, started = _dead_owner()
    step = _container(docker_client, sandbox_image, {engine.LABEL: "1"}, made)
    dead = _container(docker_client, sandbox_image, _labels(pid, started), made)
    live = _container(docker_client, sandbox_image, engine.owner_labels(), made)

    engine.sweep(docker_client)

    assert _exists(docker_client, step), "a container with no pid label was swept"
    assert _exists(docker_client, live)
    assert not _exists(docker_client, dead)


@pytest.mark.docker
def test_a_sweep_survives_another_removing_what_it_listed(
    docker_client: Any, sandbox_image: str, made: Made, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, started = _dead_owner()
    dead = [_container(docker_client, sandbox_image, _labels(pid, started), made) for _ in "abc"]
    client, other = engine.connect(), engine.connect()
    inspect = client.api.inspect_container

    def other_sweep_first(container_id: str) -> Any:
        """Another sweep removes the container between this one's listing and inspecting."""
        with contextlib.suppress(NotFound):
            other.api.remove_container(container_id, force=True)
        return inspect(container_id)

    monkeypatch.setattr(client.api, "inspect_container", other_sweep_first)
    engine.sweep(client)  # raised NotFound from the engine before

    assert not any(_exists(docker_client, container) for container in dead)


def _build(client: Any, dockerfile: str, tag: str | None, made: Made) -> str:
    """Build a one-file context; untagged, the image is dangling."""
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as archive:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    context.seek(0)
    built, _log = client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True)
    image_id: str = built.id
    made.append(lambda: client.images.remove(image_id, force=True))
    return image_id


def _image_exists(client: Any, image_id: str) -> bool:
    try:
        client.images.get(image_id)
    except ImageNotFound:
        return False
    return True


@pytest.mark.docker
def test_a_sweep_removes_the_dangling_images_of_a_dead_build_only(
    docker_client: Any, sandbox_image: str, made: Made
) -> None:
    pid, started = _dead_owner()
    dead_build = f"{pid}-{started}-{uuid.uuid4().hex[:12]}"
    label = engine.BUILD_LABEL
    dead = _build(docker_client, f"FROM {sandbox_image}\nLABEL {label}={dead_build}\n", None, made)
    live_build = engine.new_build_id()
    live = _build(docker_client, f"FROM {sandbox_image}\nLABEL {label}={live_build}\n", None, made)
    tag = f"grade-test-sweep:{uuid.uuid4().hex[:8]}"
    tagged_build = f"{pid}-{started}-{uuid.uuid4().hex[:12]}"
    _build(docker_client, f"FROM {sandbox_image}\nLABEL {label}={tagged_build}\n", tag, made)
    inherits = _build(
        docker_client, f"FROM {tag}\nLABEL grade.test={uuid.uuid4().hex}\n", None, made
    )

    engine.sweep(docker_client)

    assert not _image_exists(docker_client, dead)
    assert _image_exists(docker_client, live), "a running build's image was swept"
    assert _image_exists(docker_client, inherits), "an image inheriting a tagged one's id went"


# --- temp folders ------------------------------------------------------------------------------


def _wait_for(found: Callable[[], Any], timeout_s: float = 120) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _training(client: Any, pid: int) -> bool:
    labels = [f"{engine.PID_LABEL}={pid}", f"{engine.ROLE_LABEL}=train"]
    return bool(client.containers.list(filters={"label": labels}))


@pytest.mark.docker
def test_the_next_start_sweeps_the_temp_folder_of_a_killed_grading_only(
    tmp_path: Path, docker_client: Any, sandbox_image: str, monkeypatch: pytest.MonkeyPatch,
    no_leftovers: None,
) -> None:  # fmt: skip
    temp = tmp_path / "tmp"
    temp.mkdir()
    live = temp / "grade-still-running"
    live.mkdir()
    leftovers.write_marker(live)
    unmarked = temp / "grade-of-someone-else"
    unmarked.mkdir()
    zip_path = tiny_zip(tmp_path / "sleeps.zip", train_sleeps=True)
    env = {**os.environ, "TMPDIR": str(temp)}
    child = subprocess.Popen(
        [GRADE, str(zip_path), "--out", str(tmp_path / "out")], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait_for(lambda: _training(docker_client, child.pid))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    killed = next(temp.glob("grade-*/submission/assessment.toml")).parents[1]
    assert (killed / leftovers.OWNER_FILE).is_file()

    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    engine.connect_and_sweep()

    assert not killed.exists(), "the unpacked submission of a killed grading was left"
    assert live.is_dir() and unmarked.is_dir()
    assert not _training(docker_client, child.pid)


def test_only_a_harness_temp_folder_is_claimed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "grade-not-in-the-temp-folder"
    elsewhere.mkdir()
    leftovers.claim_temp_folder(elsewhere)
    assert list(elsewhere.iterdir()) == []
    with leftovers.owned_temp_dir("grade-test-") as folder:
        assert leftovers.read_marker(folder) == dict(
            zip(("pid", "started"), leftovers.this_process(), strict=True)
        )
    assert not folder.exists()
