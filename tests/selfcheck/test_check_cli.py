"""`grade check` without Docker: bad usage, the instructions in the bundle, the fallback to
the local backend (said plainly), and what the terminal shows."""

from __future__ import annotations

import json
import shlex
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from harness import __version__
from harness.cli import cli
from harness.pipeline import RunOptions, sandbox_submission
from harness.sandbox.local import DIFFERENCES
from harness.selfcheck import run as run_module
from harness.selfcheck.items import Item, LeftOut, SelfCheck, Status
from harness.selfcheck.summary import print_self_check
from tests.selfcheck.conftest import (
    CHALLENGE_IDS,
    CHALLENGES,
    OpenRecorder,
    assert_nothing_private,
    assert_opened_nothing_private,
    copy_reference,
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def documented_checks(bundle: Path) -> list[list[str]]:
    """The `grade check` command lines of the bundle's SELF-CHECK.md, without `grade`."""
    text = (bundle / "SELF-CHECK.md").read_text()
    lines = [line for line in text.splitlines() if line.startswith("grade check ")]
    return [shlex.split(line)[1:] for line in lines]


def test_a_missing_folder_is_exit_2_and_one_line(tmp_path: Path) -> None:
    code, _, stderr = run("check", str(tmp_path / "nope"))
    assert code == 2
    assert stderr.count("\n") == 1 and "no such folder" in stderr


def test_a_zip_instead_of_a_folder_is_exit_2_and_says_so(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "submission.zip", "w") as archive:
        archive.writestr("assessment.toml", "")
    code, _, stderr = run("check", str(tmp_path / "submission.zip"))
    assert code == 2
    assert stderr.count("\n") == 1 and "not a folder" in stderr and "not a zip" in stderr


@pytest.mark.parametrize("challenge_id", CHALLENGE_IDS)
def test_the_bundle_names_the_real_command(bundles: Path, challenge_id: str) -> None:
    text = (bundles / challenge_id / "SELF-CHECK.md").read_text()
    assert f"grade_takehome-{__version__}-py3-none-any.whl" in text and "python3.11 -m venv" in text
    commands = documented_checks(bundles / challenge_id)
    assert len(commands) == 2
    check = cli.commands["check"]
    for args in commands:
        assert args[0] == "check"
        params = check.make_context("check", args[1:]).params
        assert params["folder"] == Path("my-submission")
        assert params["challenge_dirs"] == (Path("bundles"),)
    assert params["zip_out"] == Path("submission.zip")


def test_without_docker_it_falls_back_to_local_and_says_what_differs(
    tmp_path: Path, bundles: Path, only_public: OpenRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    submission = copy_reference("customer-churn/naive", tmp_path / "submission")
    with only_public.watching():
        code, stdout, stderr = run("check", str(submission), "--challenges", str(bundles), "--json")
    assert code == 0, stdout + stderr
    report = json.loads(stdout)
    assert report["backend"] == "local"
    assert "Docker is not usable here (cannot reach the Docker engine" in report["backend_note"]
    assert "falls back to the local backend" in report["backend_note"]
    assert DIFFERENCES in report["backend_note"]
    statuses = {item["name"]: item["status"] for item in report["items"]}
    assert statuses["train"] == statuses["predict"] == statuses["predictions"] == "pass"
    assert "fail" not in statuses.values()
    assert_opened_nothing_private(only_public.paths)
    assert_nothing_private(stdout + stderr, "customer-churn", bundles, submission)


def test_with_the_private_side_on_disk_it_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled customer-churn, private/ and all, is the challenge here: the self-check
    hands the sandbox the public data and sample explicitly and opens nothing private."""
    asked: list[RunOptions] = []

    def recording(zip_path: Path, options: RunOptions, progress: Any) -> Any:
        asked.append(options)
        return sandbox_submission(zip_path, options, progress)

    monkeypatch.setattr(run_module, "sandbox_submission", recording)
    submission = copy_reference("customer-churn/naive", tmp_path / "submission")
    recorder = OpenRecorder()
    with recorder.watching():
        code, stdout, stderr = run("check", str(submission), "--backend", "local", "--json")
    assert code == 0, stdout + stderr
    public = CHALLENGES / "customer-churn" / "public" / "data"
    (options,) = asked
    assert options.data == public.resolve()
    assert options.features == public.resolve() / "sample_features.csv"
    assert_opened_nothing_private(recorder.paths)
    assert_nothing_private(stdout + stderr, "customer-churn", public.parent, submission)


def test_asking_for_docker_without_an_engine_is_exit_2(
    tmp_path: Path, bundles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    submission = copy_reference("customer-churn/naive", tmp_path / "submission")
    code, _, stderr = run(
        "check", str(submission), "--challenges", str(bundles), "--backend", "docker"
    )
    assert code == 2
    assert stderr.strip().splitlines()[-1].startswith("grade: error: cannot reach the Docker")


def sample_check(status: Status) -> SelfCheck:
    items = (
        Item(name="assessment.toml", status="pass", message="valid: challenge customer-churn"),
        Item(name="predict", status=status, message="exited with code 1: boom; fix it"),
        Item(name="predictions", status="skip", message="not checked: predict did not write any"),
    )
    venv = LeftOut(kind="environments", reason="virtual environments",
                   paths=(".venv/ with 3 files",), size_bytes=3 * 1024 * 1024)  # fmt: skip
    return SelfCheck(folder="my-submission", challenge="customer-churn", backend="local",
                     backend_note="as asked, the local backend ...", items=items,
                     left_out=(venv,))  # fmt: skip


def rendered(check: SelfCheck) -> str:
    console = Console(record=True, width=120, color_system=None)
    print_self_check(check, console)
    return console.export_text()


def test_the_terminal_shows_each_item_what_is_left_out_and_the_verdict() -> None:
    text = rendered(sample_check("fail"))
    assert "grade check my-submission  challenge customer-churn" in text
    assert "warning: as asked, the local backend" in text
    assert "✗  predict" in text and "exited with code 1: boom; fix it" in text
    assert "-  predictions" in text
    assert "the zip --zip writes leaves out:" in text
    assert "virtual environments: .venv/ with 3 files (3.0 MiB)" in text
    assert "not ready: 1 to fix before you send (predict)" in text


def test_warnings_alone_are_ready() -> None:
    check = sample_check("warn")
    assert check.ready
    assert "ready: it would run at grading, 1 warning worth a look" in rendered(check)
