"""The `grade` command line: versions, help, inspect, schema, and how bad input fails."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import __version__, pipeline
from harness.cli import cli
from harness.grading import require_writable_folder
from harness.models import schema_text
from tests.zipkit import CONTRACT, MINIMAL, add_symlink, write_zip

GRADE = Path(sys.executable).with_name("grade")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def good_zip(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "submission.zip", MINIMAL)


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"grade, version {__version__}\n"


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "inspect" in result.output and "schema" in result.output


def test_inspect_prints_a_readable_summary(runner: CliRunner, good_zip: Path) -> None:
    result = runner.invoke(cli, ["inspect", str(good_zip)], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "customer-churn" in result.output
    assert "python train.py --data {data} --out {artifacts}" in result.output
    assert "roc_auc = 0.75" in result.output
    assert "no test files" in result.output


def test_inspect_json_is_for_machines(runner: CliRunner, good_zip: Path) -> None:
    result = runner.invoke(cli, ["inspect", "--json", str(good_zip)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["submission"]["file"] == "submission.zip"
    assert document["submission"]["files"] == 4
    assert document["contract"]["challenge"] == "customer-churn"
    assert document["inventory"]["writeup"]["path"] == "README.md"


def test_schema_prints_the_committed_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == schema_text()
    assert json.loads(result.stdout)["title"] == "grade result"


def _bad_zips(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    link = write_zip(tmp_path / "link.zip", MINIMAL)
    add_symlink(link, "data", "/etc")
    slip = write_zip(tmp_path / "slip.zip", {**MINIMAL, "../../evil.py": "x"})
    no_contract = write_zip(tmp_path / "nocontract.zip", {"train.py": ""})
    return {
        "not a zip": (not_zip, "not a zip file"),
        "missing": (tmp_path / "missing.zip", "no such file"),
        "empty": (write_zip(tmp_path / "empty.zip", {}), "the zip is empty"),
        "symlink": (link, "is a symbolic link"),
        "zip slip": (slip, "would write outside the submission"),
        "no contract": (no_contract, "has no assessment.toml"),
    }


def test_each_bad_zip_exits_2_with_one_line(runner: CliRunner, tmp_path: Path) -> None:
    for case, (path, message) in _bad_zips(tmp_path).items():
        result = runner.invoke(cli, ["inspect", str(path)])
        assert result.exit_code == 2, case
        assert result.stdout == "", case
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("grade: error: "), (case, lines)
        assert message in lines[0], case
        assert "Traceback" not in result.stderr


def test_a_bug_is_one_line_with_exit_3(
    runner: CliRunner, good_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_path: Path) -> None:
        raise RuntimeError("something the harness did wrong")

    monkeypatch.setattr("harness.cli.inspect_submission", broken)
    result = runner.invoke(cli, ["inspect", str(good_zip)])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "internal error: RuntimeError: something the harness did wrong" in result.stderr


def test_the_installed_command_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    quiet = subprocess.run([GRADE, "inspect", bad], capture_output=True, text=True, check=False)
    assert quiet.returncode == 2
    assert quiet.stderr.count("\n") == 1 and "not a zip file" in quiet.stderr
    loud = subprocess.run(
        [GRADE, "-v", "inspect", bad], capture_output=True, text=True, check=False
    )
    assert loud.returncode == 2
    assert "Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.rstrip().splitlines()[-1] == quiet.stderr.rstrip()


def test_verbose_after_the_command_works_too(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["inspect", "-v", str(tmp_path / "missing.zip")])
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


def test_inspect_cleans_up_its_temporary_folder(
    good_zip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    inspection = pipeline.inspect_submission(good_zip)
    assert inspection.inventory.files == 4
    assert list(scratch.iterdir()) == []


FORMAT_SPEC = {**MINIMAL, "assessment.toml": CONTRACT.replace("--data {data}", "--data {data:d}")}
FORMAT_SPEC_LINE = (
    "[commands] train writes {data:d}: placeholders take no format spec or conversion"
)


def test_grade_refuses_a_placeholder_with_a_format_spec_before_it_runs(
    runner: CliRunner, tmp_path: Path
) -> None:
    submission = write_zip(tmp_path / "spec.zip", FORMAT_SPEC)
    result = runner.invoke(cli, [str(submission), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("grade: error: assessment.toml: ") and len(lines) == 2, lines
    assert FORMAT_SPEC_LINE in lines[-1] and "write {data}" in lines[-1]
    assert "intake" in lines[0]  # the one progress line: nothing ran


def test_grade_check_refuses_the_same_placeholder_with_the_same_words(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    for name, content in FORMAT_SPEC.items():
        (folder / name).write_text(str(content))
    result = runner.invoke(cli, ["check", str(folder), "--backend", "local", "--json"])
    assert result.exit_code == 1, result.output
    items = {item["name"]: item for item in json.loads(result.stdout)["items"]}
    contract = items["assessment.toml"]
    assert contract["status"] == "fail"
    assert FORMAT_SPEC_LINE in contract["message"] and "write {data}" in contract["message"]


@pytest.mark.parametrize("out", ["/proc/x", "/proc/version/x", "FILE/reports"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_anything_runs(
    runner: CliRunner, good_zip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    (tmp_path / "FILE").write_text("a file, not a folder")
    out = out.replace("FILE", str(tmp_path / "FILE"))

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("intake ran before the output folder was checked")

    monkeypatch.setattr("harness.grading.intake", never)
    result = runner.invoke(cli, [str(good_zip), "--out", out])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"grade: error: --out {out}: cannot ")
    assert "pass --out a folder you can write to" in lines[0]


def test_a_writable_output_folder_is_made_and_left_clean(tmp_path: Path) -> None:
    out = tmp_path / "new" / "reports"
    require_writable_folder(out)
    assert out.is_dir() and list(out.iterdir()) == []
