"""The repository's own tests, run for real in the sandbox: Docker, no network, the trusted
JUnit counts; and what is installed for them when there is no requirements.txt."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from harness.portfolio.review import ReviewOptions, review_repository
from harness.portfolio.suite import pyproject_requirements, requirements_file
from harness.sandbox import image
from tests.portfolio import gitrepos


def runtime_pins(*names: str) -> str:
    """Exact pins the runtime image already holds, so the install layer downloads little and
    the suite runs on what the runtime has."""
    text = (image.sandbox_dir() / image.RUNTIME_REQUIREMENTS).read_text(encoding="utf-8")
    found = {m.group(1).lower(): m.group(0) for m in re.finditer(r"^([\w.-]+)==\S+", text, re.M)}
    return "".join(found[name] + "\n" for name in names)


def quiet(_line: str) -> None:
    pass


@pytest.mark.docker
def test_the_service_tests_run_in_the_sandbox_with_trusted_counts(
    sandbox_image: str, no_leftovers: None, tmp_path: Path
) -> None:
    repo = gitrepos.deployed_service(tmp_path / "churn-service", runtime_pins("fastapi", "pytest"))
    result = review_repository(str(repo.root), ReviewOptions(out=tmp_path / "out"), quiet).result
    tests = result.tests
    assert tests.install is not None and tests.install.verdict == "ok", tests.install
    assert tests.stage.verdict == "ok", tests.stage.log_tail or tests.stage.log_head
    assert (tests.tests, tests.passed, tests.failed, tests.skipped) == (5, 4, 0, 1)
    assert tests.requirements == "requirements.txt"
    finding = next(f for f in result.findings if f.check == "code.tests")
    assert "4 passed, 0 failed" in finding.message and (finding.score or 0) > 0.7
    assert result.provenance.backend == "docker" and result.provenance.image_id
    assert result.facts["tests_ran"]


NETWORK_TESTS = """import os
import socket

import pytest


def test_no_network() -> None:
    with pytest.raises(OSError):
        socket.create_connection(("1.1.1.1", 53), timeout=3)


def test_runs_as_nobody() -> None:
    assert os.getuid() == 65534


def test_this_one_fails() -> None:
    assert 1 == 2
"""


@pytest.mark.docker
def test_code_of_the_repository_runs_only_in_the_sandbox(
    sandbox_image: str, no_leftovers: None, tmp_path: Path, docker_client: Any
) -> None:
    marker = tmp_path / "ran-on-the-host"
    repo = gitrepos.init(tmp_path / "probe")
    repo.commit("tests", gitrepos.START, {
        "conftest.py": f"from pathlib import Path\n\ntry:\n    Path({str(marker)!r}).touch()\n"
                       "except OSError:\n    pass\n",
        "tests/test_probe.py": NETWORK_TESTS,
    })  # fmt: skip
    result = review_repository(str(repo.root), ReviewOptions(out=tmp_path / "out"), quiet).result
    tests = result.tests
    assert (tests.tests, tests.passed, tests.failed) == (3, 2, 1), tests.stage
    assert tests.stage.verdict == "failed" and tests.install is None
    assert tests.requirements.startswith("none")
    assert not marker.exists(), "the repository's conftest ran on the host"


def test_pyproject_dependencies_and_test_extras_are_what_is_installed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "churnlib"\ndependencies = ["pandas>=2", "requests", "churnlib"]\n'
        '[project.optional-dependencies]\ntest = ["pytest==8.2.0", "hypothesis"]\n'
        'docs = ["sphinx"]\n'
    )
    assert pyproject_requirements(tmp_path / "pyproject.toml") == [
        "pandas>=2", "requests", "pytest==8.2.0", "hypothesis",
    ]  # fmt: skip
    path, said = requirements_file(tmp_path, tmp_path / "work")
    assert path is not None and path.read_text().splitlines()[0] == "pandas>=2"
    assert said.startswith("pyproject.toml")
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\n")
    assert requirements_file(tmp_path, tmp_path / "work") == (
        tmp_path / "requirements.txt",
        "requirements.txt",
    )
    (tmp_path / "pyproject.toml").write_text("not = [toml")
    assert pyproject_requirements(tmp_path / "pyproject.toml") == []
