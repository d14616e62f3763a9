"""`grade batch` without an engine: its inputs, the manifest, the plan (identical zips once,
refusals, ledger hits), the default job count, and bad input (exit 2, one line)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import __version__
from harness.batch.inputs import Wanted, collect, read_manifest
from harness.batch.jobs import choose_jobs, machine_memory_mb
from harness.batch.ledger import Entry, Sender, read_ledger
from harness.batch.plan import make_plan
from harness.challenges.catalog import load_catalog
from harness.cli import cli
from harness.errors import HarnessError
from harness.sandbox.limits import machine_cpus
from tests.zipkit import CONTRACT, MINIMAL, write_zip


def _zip(path: Path, note: str = "", contract: str = CONTRACT) -> Path:
    return write_zip(path, {**MINIMAL, "assessment.toml": contract, "NOTE.txt": note})


def test_a_folder_is_read_for_its_zips_only_not_below(tmp_path: Path) -> None:
    _zip(tmp_path / "b.zip", "b")
    _zip(tmp_path / "A.ZIP", "a")
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / "deeper").mkdir()
    _zip(tmp_path / "deeper" / "c.zip", "c")
    assert [w.path.name for w in collect([tmp_path])] == ["A.ZIP", "b.zip"]


def test_a_path_that_does_not_exist_and_no_submissions_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="no such file or folder"):
        collect([tmp_path / "nope.zip"])
    with pytest.raises(HarnessError, match="no submissions"):
        collect([tmp_path])
    with pytest.raises(HarnessError, match="no inputs"):
        collect([])


def test_a_manifest_names_people_and_zips_relative_to_its_folder(tmp_path: Path) -> None:
    (tmp_path / "zips").mkdir()
    _zip(tmp_path / "zips" / "ann.zip")
    manifest = tmp_path / "people.csv"
    manifest.write_text(
        "\ufeffzip,Name,contact\n"
        "zips/ann.zip,Ann Lee,ann@example.com\n"
        "\n"
        "zips/gone.zip,Bo Chen,bo@example.com\n"
        ",Cy,cy@example.com\n",
        encoding="utf-8",
    )
    rows = read_manifest(manifest)
    where = str((tmp_path / "zips" / "ann.zip").resolve())
    assert rows[0] == Wanted(
        tmp_path / "zips" / "ann.zip",
        Sender("zips/ann.zip", "Ann Lee", "ann@example.com", path=where),
    )  # the absolute path: a cohort run from any folder finds the zip again
    assert rows[1].problem == "people.csv line 4: zips/gone.zip: no such file"
    assert rows[2].problem == "people.csv line 5: no zip given"


@pytest.mark.parametrize("header", ["name,zip", "name,contact,zip,notes", "file,name,contact", ""])
def test_a_manifest_with_another_header_is_refused(tmp_path: Path, header: str) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"{header}\nx,y,z\n")
    with pytest.raises(HarnessError) as refused:
        read_manifest(manifest)
    assert "not the manifest's columns" in str(refused.value)
    assert "its first line must be name,contact,zip (any order)" in refused.value.one_line()


def test_the_plan_grades_identical_zips_once_and_refuses_before_any_worker(
    tmp_path: Path,
) -> None:
    one = _zip(tmp_path / "one.zip", "1")
    copy = tmp_path / "copy.zip"
    copy.write_bytes(one.read_bytes())
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    toml = _zip(tmp_path / "toml.zip", contract="[submission\nchallenge = ")
    unknown = _zip(tmp_path / "unknown.zip", contract=CONTRACT.replace("customer-churn", "nope"))
    wanted = [Wanted(p, Sender(str(p))) for p in (one, copy, garbage, toml, unknown)]
    wanted.append(Wanted(tmp_path / "gone.zip", Sender("gone.zip"), "m.csv line 2: no such file"))
    catalog = load_catalog()
    plan = make_plan(wanted, catalog, read_ledger(tmp_path / "out"), regrade=False)
    assert len(plan.jobs) == 1
    job = plan.jobs[0]
    assert [s.file for s in job.submission.senders] == [str(one), str(copy)]
    version = catalog.get("customer-churn").version
    assert (job.key.challenge, job.key.challenge_version) == ("customer-churn", version)
    assert job.key.grader_version == __version__
    refused = {Path(r.file).name: r for r in plan.refused}
    assert set(refused) == {"garbage.zip", "toml.zip", "unknown.zip", "gone.zip"}
    assert "not a zip file" in refused["garbage.zip"].message
    assert "not valid TOML" in refused["toml.zip"].message
    assert "no challenge 'nope'" in refused["unknown.zip"].message
    assert refused["unknown.zip"].key is not None
    assert refused["gone.zip"].key is None


def test_a_complete_ledger_entry_is_a_hit_unless_regrading(tmp_path: Path) -> None:
    one = _zip(tmp_path / "one.zip")
    out = tmp_path / "out"
    wanted = [Wanted(one, Sender(str(one)))]
    catalog = load_catalog()
    ledger = read_ledger(out)
    key = make_plan(wanted, catalog, ledger, regrade=False).jobs[0].key
    (out / key.sha256).mkdir(parents=True)
    (out / key.sha256 / "result.json").write_text("{}")
    ledger.record(Entry(key, "graded", "trap unknown", f"{key.sha256}/result.json"))
    assert [e.key for _, e in make_plan(wanted, catalog, read_ledger(out), False).cached] == [key]
    assert [j.key for j in make_plan(wanted, catalog, read_ledger(out), True).jobs] == [key]


def test_the_default_jobs_follow_cores_and_memory_at_the_stage_limits() -> None:
    jobs = choose_jobs(None, ())
    expected = max(1, min(machine_cpus(), machine_memory_mb() // 2048))
    assert jobs.count == expected
    assert "2,048 MiB a stage" in jobs.why
    huge = choose_jobs(None, ("train.memory=1048576", "predict.memory=1048576"))
    assert huge.count == 1
    assert choose_jobs(3, ()).count == 3


def test_bad_input_exits_2_with_one_line_before_anything_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    manifest = tmp_path / "m.csv"
    manifest.write_text("who,what\n")
    a_file = tmp_path / "file"
    a_file.write_text("")
    cases = {
        "no such file or folder": [str(tmp_path / "nope.zip"), "--out", str(tmp_path / "o")],
        "not the manifest's columns": [str(manifest), "--out", str(tmp_path / "o")],
        "no inputs": ["--out", str(tmp_path / "o")],
        "--out": [str(manifest), "--out", str(a_file / "o")],
        "--limit": [str(manifest), "--out", str(tmp_path / "o"), "--limit", "train.nope=1"],
    }
    for said, args in cases.items():
        result = runner.invoke(cli, ["batch", *args])
        assert result.exit_code == 2, (said, result.output)
        assert said in result.output
        assert result.output.count("\n") == 1, result.output
    assert not (tmp_path / "o" / "ledger.jsonl").exists()


def test_a_zip_listed_twice_in_a_folder_and_a_manifest_is_one_submission(tmp_path: Path) -> None:
    zips = tmp_path / "zips"
    zips.mkdir()
    with zipfile.ZipFile(zips / "a.zip", "w") as archive:
        archive.writestr("assessment.toml", CONTRACT)
    (tmp_path / "m.csv").write_text("name,contact,zip\nAnn,ann@x,zips/a.zip\n")
    wanted = collect([zips, tmp_path / "m.csv"])
    plan = make_plan(wanted, load_catalog(), read_ledger(tmp_path / "out"), regrade=False)
    assert len(plan.jobs) == 1
    assert [s.name for s in plan.jobs[0].submission.senders] == ["", "Ann"]
    assert plan.jobs[0].submission.candidate == "Ann"
