"""End to end in the real sandbox: the bundled example through every stage, a submission
whose requirements cannot be installed, and the sandbox commands."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness import packing
from harness.cli import cli
from harness.sandbox import docker as engine

pytestmark = pytest.mark.docker
ROOT = Path(__file__).parents[1]
CHURN = ROOT / "challenges" / "customer-churn"
EXAMPLE = CHURN / "reference" / "careful"
GRADE = Path(sys.executable).with_name("grade")


def zip_folder(folder: Path, target: Path, extra: dict[str, str] | None = None) -> Path:
    packing.zip_folder(folder, target)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return target


@pytest.fixture(scope="module")
def churn() -> tuple[Path, Path]:
    """The challenge's public training data and its public sample of prediction inputs."""
    data = CHURN / "public" / "data"
    return data, data / "sample_features.csv"


def run_json(zip_path: Path, churn: tuple[Path, Path], *limits: str) -> dict[str, Any]:
    data, features = churn
    args = ["sandbox", "run", str(zip_path), "--data", str(data), "--features", str(features)]
    args += [f"--limit={limit}" for limit in limits] + ["--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_the_example_runs_every_stage(
    tmp_path: Path, churn: tuple[Path, Path], sandbox_image: str, no_leftovers: None
) -> None:
    report = run_json(zip_folder(EXAMPLE, tmp_path / "example.zip"), churn, "train.timeout=300")
    stages = report["stages"]
    assert {name: stage["verdict"] for name, stage in stages.items()} == dict.fromkeys(
        ("install", "train", "predict", "test", "serve"), "ok"
    )
    assert "31 passed, 0 failed" in stages["test"]["reason"]
    assert stages["serve"]["reason"].startswith("healthy after")
    assert "stratified CV ROC AUC" in stages["train"]["log_head"]
    assert report["limits"]["train"]["timeout_s"] == 300  # --limit beats the challenge's 600
    assert report["limits"]["predict"]["memory_mb"] == 1024  # the challenge's own limit
    assert report["challenge"] == {"id": "customer-churn", "version": "1"}
    assert report["image"].startswith("grade-sub:")


def test_requirements_that_cannot_install_stop_the_later_stages(
    tmp_path: Path, churn: tuple[Path, Path], sandbox_image: str, no_leftovers: None
) -> None:
    broken = {"requirements.txt": "this-package-does-not-exist-grade==1.0\n"}
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in EXAMPLE.rglob("*"):
        if path.is_file() and path.name != "requirements.txt":
            target = folder / path.relative_to(EXAMPLE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    report = run_json(zip_folder(folder, tmp_path / "broken.zip", broken), churn)
    stages = report["stages"]
    assert stages["install"]["verdict"] == "failed"
    assert "No matching distribution" in stages["install"]["log_head"]
    for name in ("train", "predict", "test", "serve"):
        assert stages[name]["verdict"] == "not_run"
        assert stages[name]["reason"].startswith("install failed")


def test_doctor_is_happy_here(sandbox_image: str) -> None:
    done = subprocess.run([GRADE, "sandbox", "doctor"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    assert "memory limit: enforced" in done.stdout
    assert "is current" in done.stdout


def test_doctor_names_the_fix_when_no_engine_answers(tmp_path: Path) -> None:
    env = {"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [GRADE, "sandbox", "doctor"], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 1
    assert "cannot reach the Docker engine" in done.stdout
    assert "fix: sudo bash sandbox/start-engine.sh" in done.stdout


def test_a_warm_build_does_no_work(sandbox_image: str) -> None:
    done = subprocess.run([GRADE, "sandbox", "build"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"runtime image {sandbox_image} already built" in done.stdout
    assert "downloading" not in done.stderr


def test_a_bad_limit_exits_2_with_one_line(tmp_path: Path, churn: tuple[Path, Path]) -> None:
    data, features = churn
    done = subprocess.run(
        [GRADE, "sandbox", "run", tmp_path / "x.zip", "--data", data, "--features", features,
         "--limit", "train.speed=9"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--limit 'train.speed=9': not a limit" in done.stderr


def test_clean_removes_old_images_and_keeps_the_runtime(
    tmp_path: Path, docker_client: Any, sandbox_image: str
) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM {sandbox_image}\nLABEL grade.test=old\n")
    engine.build_image(docker_client, tmp_path, "grade-runtime:old-for-clean-test", {})
    done = subprocess.run([GRADE, "sandbox", "clean"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert engine.find_image(docker_client, "grade-runtime:old-for-clean-test") is None
    assert engine.find_image(docker_client, sandbox_image) is not None
