"""The sandbox images, built for real: the runtime (kept between runs, it takes about a
minute cold) and submission layers (removed by each test that makes one)."""

from __future__ import annotations

import contextlib
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docker.errors import BuildError, ImageNotFound

from harness.errors import SandboxError
from harness.sandbox import docker as engine
from harness.sandbox import image, leftovers
from harness.sandbox.docker import BUILD_LABEL, build_owner, find_image

pytestmark = pytest.mark.docker

WARM_LIMIT_S = 5.0
SMALL_PACKAGE = "tabulate==0.9.0"


def _quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def runtime(docker_client: Any) -> image.BuiltImage:
    if find_image(docker_client, image.BASE_TAG) is None:
        pytest.skip(f"{image.BASE_TAG} is missing: {image.BASE_HINT}")
    return image.build_runtime(docker_client, _quiet)


@pytest.fixture
def wheel_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A wheel cache of the test's own, so a test downloads for real and leaves no cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "grade" / "wheels"


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    return tmp_path / "requirements.txt"


@pytest.fixture
def layer_tags(docker_client: Any) -> Iterator[list[str]]:
    """Tags of submission layers the test makes: removed before (a crashed earlier run may
    have left one) and after."""
    tags: list[str] = []
    yield tags
    for tag in tags:
        _remove_image(docker_client, tag)


def _remove_image(client: Any, tag: str) -> None:
    with contextlib.suppress(ImageNotFound):
        client.images.remove(tag, force=True)


def _run_python(client: Any, tag: str, code: str) -> tuple[int, str]:
    """Run `python -c code` in `tag` as the sandbox runs it: another user, no network, a
    read-only root and a tmpfs /tmp."""
    container = client.containers.run(
        tag, ["python", "-c", code], network_mode="none", user="65534:65534",
        read_only=True, tmpfs={"/tmp": "size=64m"}, remove=False, detach=True,
    )  # fmt: skip
    try:
        status = container.wait(timeout=120)
        return int(status["StatusCode"]), container.logs().decode(errors="replace")
    finally:
        container.remove(force=True)


def _new_layer(client: Any, runtime_tag: str, requirements: Path, tags: list[str]) -> str:
    tag = image.submission_tag(requirements.read_bytes(), runtime_tag)
    _remove_image(client, tag)
    tags.append(tag)
    return tag


# --- the runtime ------------------------------------------------------------------------------


def test_a_warm_runtime_is_reused_at_once(docker_client: Any, runtime: image.BuiltImage) -> None:
    started = time.monotonic()
    again = image.build_runtime(docker_client, _quiet)
    elapsed = time.monotonic() - started

    assert again == image.BuiltImage(tag=runtime.tag, image_id=runtime.image_id, reused=True)
    assert elapsed < WARM_LIMIT_S
    assert again.tag == image.runtime_tag(docker_client)


def test_the_runtime_imports_the_challenge_stack_as_the_sandbox_user(
    docker_client: Any, runtime: image.BuiltImage
) -> None:
    code = "import pandas, sklearn, scipy, fastapi, flask, pytest, matplotlib; print('ok')"
    exit_code, output = _run_python(docker_client, runtime.tag, code)
    assert (exit_code, output.strip()) == (0, "ok"), output


def test_the_runtime_tag_follows_the_base_and_the_sandbox_files(tmp_path: Path) -> None:
    sandbox = tmp_path / "sandbox"
    shutil.copytree(image.sandbox_dir(), sandbox)
    before = image.runtime_tag_for("sha256:base", sandbox)
    assert re.fullmatch(r"grade-runtime:[0-9a-f]{12}", before)
    assert image.runtime_tag_for("sha256:base", sandbox) == before

    pins = sandbox / image.RUNTIME_REQUIREMENTS
    pins.write_text(pins.read_text() + "tabulate==0.9.0\n")
    after = image.runtime_tag_for("sha256:base", sandbox)

    assert after != before
    assert image.runtime_tag_for("sha256:other-base", sandbox) != after


def test_a_missing_base_image_says_how_to_build_one(
    docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(image.BASE_ENV, "grade-base:does-not-exist")
    with pytest.raises(SandboxError, match="not present locally"):
        image.ensure_base(docker_client)


# --- a submission's requirements ------------------------------------------------------------


def test_a_requirements_layer_is_built_then_reused(
    docker_client: Any, runtime: image.BuiltImage, requirements: Path, wheel_cache: Path,
    layer_tags: list[str],
) -> None:  # fmt: skip
    assert "tabulate" not in (image.sandbox_dir() / image.RUNTIME_REQUIREMENTS).read_text()
    requirements.write_text(f"{SMALL_PACKAGE}\nrequests==2.34.2  # the runtime has it\n")
    tag = _new_layer(docker_client, runtime.tag, requirements, layer_tags)

    built = image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)
    again = image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)

    assert (built.ok, built.tag, built.reused) == (True, tag, False), built.log
    assert (again.ok, again.tag, again.image_id, again.reused) == (True, tag, built.image_id, True)
    assert again.duration_s < WARM_LIMIT_S
    exit_code, output = _run_python(docker_client, tag, "import tabulate; print('ok')")
    assert (exit_code, output.strip()) == (0, "ok")
    added = (
        docker_client.images.get(tag).attrs["Size"]
        - docker_client.images.get(runtime.tag).attrs["Size"]
    )
    assert added < 2_000_000, "the layer stored wheels the runtime already has"


def test_fetching_the_same_wheels_again_downloads_nothing(
    tmp_path: Path, requirements: Path, wheel_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requirements.write_text(f"{SMALL_PACKAGE}\n")
    image.fetch_wheels(requirements, tmp_path / "first")

    def no_pip(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pip ran for a cached wheelhouse")

    monkeypatch.setattr(image, "_pip_download", no_pip)
    image.fetch_wheels(requirements, tmp_path / "second")

    names = sorted(path.name for path in (tmp_path / "second").iterdir())
    assert names == ["tabulate-0.9.0-py3-none-any.whl"]


def test_a_package_that_does_not_exist_fails_with_pips_message(
    docker_client: Any, runtime: image.BuiltImage, requirements: Path, wheel_cache: Path,
    layer_tags: list[str],
) -> None:  # fmt: skip
    requirements.write_text("this-package-does-not-exist-grade==1.0\n")
    tag = _new_layer(docker_client, runtime.tag, requirements, layer_tags)

    outcome = image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)

    assert (outcome.ok, outcome.tag, outcome.image_id) == (False, None, None)
    assert "No matching distribution found for this-package-does-not-exist-grade" in outcome.log
    assert find_image(docker_client, tag) is None
    assert not list(wheel_cache.glob("*")), "a failed download was cached"


def test_requirements_that_point_pip_elsewhere_are_refused_before_pip(
    docker_client: Any, runtime: image.BuiltImage, requirements: Path, wheel_cache: Path
) -> None:
    requirements.write_text("pandas\nevil @ https://example.com/evil-1.0-py3-none-any.whl\n")

    outcome = image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)

    assert not outcome.ok
    assert "line 2: `evil @ https://example.com/" in outcome.log
    assert not wheel_cache.exists()


def test_only_plain_requirements_reach_pip() -> None:
    text = (
        "# a comment\n"
        "--index-url https://elsewhere.example/simple\n"
        "-r /etc/passwd\n"
        "pandas>=2 ; python_version >= '3.9'  # why\n"
        "numpy==2.4.6 \\\n"
        "    --hash=sha256:0123\n"
        "token==${SECRET_TOKEN}\n"
        "./local-package\n"
    )
    plain = image.plain_requirements(text)

    assert plain.kept == ('pandas>=2; python_version >= "3.9"', "numpy==2.4.6")
    assert [line.split(":")[0] for line in plain.ignored] == ["line 2", "line 3"]
    assert [line.split(":")[0] for line in plain.refused] == ["line 7", "line 8"]


def test_a_failed_build_gives_pips_message_and_leaves_no_image(
    docker_client: Any, runtime: image.BuiltImage, requirements: Path, wheel_cache: Path,
    layer_tags: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    requirements.write_text(f"{SMALL_PACKAGE}\n")
    tag = _new_layer(docker_client, runtime.tag, requirements, layer_tags)

    def drop_every_wheel(wheelhouse: Path, _pins: dict[str, str]) -> None:
        for wheel in wheelhouse.glob("*.whl"):
            wheel.unlink()

    monkeypatch.setattr(image, "_drop_installed", drop_every_wheel)
    before = _dangling_builds_of_this_process(docker_client)
    outcome = image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)

    assert not outcome.ok
    assert "No matching distribution found for tabulate" in outcome.log
    assert find_image(docker_client, tag) is None
    assert _dangling_builds_of_this_process(docker_client) - before == set()


def _dangling_builds_of_this_process(client: Any) -> set[str]:
    """Untagged images of builds this test process ran (their build ids name its pid and
    start time): what anything else on the engine left is not this test's business."""
    pid, started = leftovers.this_process()
    dangling = client.images.list(filters={"dangling": True, "label": BUILD_LABEL})
    return {
        found.id
        for found in dangling
        if build_owner(found.labels.get(BUILD_LABEL, "")) == (pid, started)
    }


def test_a_step_that_exits_by_itself_is_its_commands_failure_and_a_killed_one_the_engines() -> None:
    failed = engine._build_failure(
        "t", BuildError("The command 'pip' returned a non-zero code: 1", [])
    )
    killed = engine._build_failure(
        "t", BuildError("The command 'pip' returned a non-zero code: 137", [])
    )
    removed = engine._build_failure(
        "t", BuildError("removal of container x is already in progress", [])
    )

    assert isinstance(failed, engine.BuildStepError) and failed.exit_code == 1
    assert not isinstance(killed, engine.BuildStepError) and "the engine failed" in killed.message
    assert not isinstance(removed, engine.BuildStepError) and "the engine failed" in removed.message


def test_an_install_the_engine_broke_says_so_and_does_not_blame_pip(
    docker_client: Any, runtime: image.BuiltImage, requirements: Path, wheel_cache: Path,
    layer_tags: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    requirements.write_text(f"{SMALL_PACKAGE}\n# {uuid.uuid4().hex}\n")
    _new_layer(docker_client, runtime.tag, requirements, layer_tags)

    def killed_build(
        _client: Any, _context: Path, tag: str, _labels: object, **_options: object
    ) -> tuple[str, str]:
        error = BuildError(
            "The command '/bin/sh -c python -m pip' returned a non-zero code: 137", []
        )
        raise engine._build_failure(tag, error)

    monkeypatch.setattr(image, "build_image", killed_build)
    with pytest.raises(SandboxError, match=r"the Docker engine failed while installing .*not pip"):
        image.build_requirements_layer(docker_client, runtime.tag, requirements, _quiet)
