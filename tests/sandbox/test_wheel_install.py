"""The wheel alone: built from the package's sources, installed into a fresh virtual
environment, it builds (or reuses) the sandbox images and self-checks a candidate's folder in
Docker, with no checkout of the repository in sight.

Run as root (as CI is), the wheel's commands run in a mount namespace where the checkout is
covered by an empty tmpfs, so reading any file of it (its `sandbox/` folder above all) would
fail; elsewhere the test still proves where the image files were read from. The wheel's
dependencies come from the package index through pip's own cache: the fresh environment takes
about a minute the first time, and is made once for this module."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import __version__
from harness.sandbox import doctor, image

ROOT = Path(__file__).resolve().parents[2]
CAREFUL = ROOT / "challenges" / "customer-churn" / "reference" / "careful"
REPO_GRADE = Path(sys.executable).with_name("grade")
SOURCES = ("pyproject.toml", "README.md", "harness")
INSTALL_TIMEOUT_S = 1200
RUN_TIMEOUT_S = 900
HIDE = 'mount -t tmpfs -o size=1m,mode=0755 grade-hidden-checkout "$0" && exec "$@"'
UNSHARE = ("unshare", "--mount", "--propagation", "private", "sh", "-c", HIDE)
"""A mount namespace of its own, the checkout ($0) covered, then the command ($@)."""


@dataclass(frozen=True)
class WheelEnv:
    """A fresh virtual environment holding only the built wheel and its dependencies."""

    wheel: Path
    venv: Path

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> WheelEnv:
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(ROOT), "the test's folders must be outside the repo"
    sources = root / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, sources / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            sources.mkdir(exist_ok=True)
            shutil.copy2(source, sources / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", str(sources), "-w", str(root)], root)
    wheels = list(root.glob("*.whl"))
    assert [w.name for w in wheels] == [f"grade_takehome-{__version__}-py3-none-any.whl"]
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], root)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", str(wheels[0])], root)
    return WheelEnv(wheel=wheels[0], venv=venv)


def _run(argv: Sequence[str], cwd: Path, timeout: float = INSTALL_TIMEOUT_S) -> str:
    done = subprocess.run(
        list(argv), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
        env=_clean_env(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env() -> dict[str, str]:
    """The environment without this venv's marks, so nothing points back into the repo."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    parts = env.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(part for part in parts if not Path(part).is_relative_to(ROOT))
    return env


def _can_hide_the_checkout() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None


def _without_checkout(argv: Sequence[str], cwd: Path, timeout: float = RUN_TIMEOUT_S) -> str:
    """Run `argv` with the checkout covered (when this runs as root), from `cwd` outside it."""
    if _can_hide_the_checkout():
        argv = [*UNSHARE, str(ROOT), *argv]
    return _run(argv, cwd, timeout)


@pytest.mark.docker
def test_the_wheel_carries_the_sandbox_files_and_reads_them_from_itself(
    wheel_env: WheelEnv, tmp_path: Path
) -> None:
    code = (
        "import harness, harness.sandbox.image as i; "
        "print(harness.__file__); print(i.sandbox_dir()); print(i.BASE_TAG)"
    )
    lines = _without_checkout([str(wheel_env.bin("python")), "-c", code], tmp_path).splitlines()
    package, assets, base_tag = Path(lines[0]), Path(lines[1]), lines[2]
    assert package.is_relative_to(wheel_env.venv) and assets.is_relative_to(wheel_env.venv)
    assert base_tag == image.BASE_TAG
    shipped = {path.name for path in assets.iterdir()}
    assert {image.RUNTIME_DOCKERFILE, image.BUILD_BASE_SCRIPT, image.START_ENGINE_SCRIPT} <= shipped
    for name in (image.RUNTIME_DOCKERFILE, *image.RUNTIME_CONTEXT, image.BASE_PACKAGES):
        assert (assets / name).read_bytes() == (image.ASSETS / name).read_bytes()


@pytest.mark.docker
def test_the_checkout_is_really_hidden_from_the_wheels_commands(tmp_path: Path) -> None:
    if not _can_hide_the_checkout():
        pytest.skip("covering the checkout needs root and unshare (CI has both)")
    listing = _without_checkout(["ls", "-A", str(ROOT)], tmp_path)
    assert listing == ""


@pytest.mark.docker
def test_the_wheel_alone_builds_the_sandbox_and_self_checks_in_docker(
    wheel_env: WheelEnv, tmp_path: Path, docker_client: Any, sandbox_image: str
) -> None:
    built = _without_checkout([str(wheel_env.bin("grade")), "sandbox", "build"], tmp_path)
    assert f"runtime image {image.runtime_tag(docker_client)} " in built, built
    bundles = tmp_path / "bundles"
    _run([str(REPO_GRADE), "challenge", "pack", "customer-churn", "--out", "bundle.zip"], tmp_path)
    shutil.unpack_archive(tmp_path / "bundle.zip", bundles)
    submission = tmp_path / "my-submission"
    shutil.copytree(bundles / "customer-churn", submission)
    shutil.copytree(CAREFUL, submission, dirs_exist_ok=True)

    argv = [str(wheel_env.bin("grade")), "check", "my-submission", "--challenges", "bundles"]
    report = json.loads(_without_checkout([*argv, "--backend", "docker", "--json"], tmp_path))

    assert (report["backend"], report["challenge"]) == ("docker", "customer-churn")
    statuses = {item["name"]: item["status"] for item in report["items"]}
    assert {statuses[name] for name in ("install", "train", "predict", "predictions")} == {"pass"}
    assert "fail" not in statuses.values(), report["items"]


@pytest.mark.docker
def test_the_wheels_doctor_names_the_engine_script_it_ships(
    wheel_env: WheelEnv, tmp_path: Path
) -> None:
    env = {**_clean_env(), "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock", "COLUMNS": "500"}
    argv = [*UNSHARE, str(ROOT)] if _can_hide_the_checkout() else []
    done = subprocess.run(
        [*argv, str(wheel_env.bin("grade")), "sandbox", "doctor"], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=False, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    fix = done.stdout.split("fix: sudo bash ", 1)[1].split()[0]
    assert Path(fix).is_relative_to(wheel_env.venv) and Path(fix).name == "start-engine.sh"
    assert Path(fix).is_file()


def test_a_checkouts_doctor_names_its_own_engine_script(tmp_path: Path) -> None:
    assert doctor.start_engine_hint(ROOT) == "sudo bash sandbox/start-engine.sh"
    assert doctor.start_engine_hint(tmp_path) == f"sudo bash {ROOT / 'sandbox' / 'start-engine.sh'}"
