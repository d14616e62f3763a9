"""`grade batch` for real, on the Docker engine, with two gradings at once: a batch of twelve
zips (two broken, one hostile, one identical to another) and a manifest with a row naming a
missing file gives a row each and exit 1 listing what could not be graded; a rerun grades
nothing; `--regrade` grades again; Ctrl-C mid-batch removes every container and a rerun
finishes the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.batch.ledger import LEDGER_FILE, read_ledger
from tests.batch.kit import broken_contract, children, hostile, not_a_zip, owned_by, tiny

pytestmark = pytest.mark.docker
GRADE = Path(sys.executable).with_name("grade")
ENV = {**os.environ, "COLUMNS": "240"}


@dataclass(frozen=True)
class Batch:
    folder: Path
    out: Path
    inputs: list[str]
    run: subprocess.CompletedProcess[str]
    seconds: float


def _batch(inputs: list[str], out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(GRADE), "batch", *inputs, "--out", str(out), "--jobs", "2", *extra]
    return subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=900)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, sandbox_image: str) -> Batch:
    """One run of the whole batch, shared by the tests below (many gradings are slow)."""
    folder = tmp_path_factory.mktemp("batch")
    zips = folder / "zips"
    zips.mkdir()
    for number in range(7):
        tiny(zips / f"tiny-{number}.zip", number)
    (zips / "tiny-0-again.zip").write_bytes((zips / "tiny-0.zip").read_bytes())
    not_a_zip(zips / "not-a-zip.zip")
    broken_contract(zips / "broken-toml.zip")
    hostile(zips / "fills-the-disk.zip")
    (folder / "more").mkdir()
    tiny(folder / "more" / "bo.zip", 100)
    manifest = folder / "people.csv"
    manifest.write_text(
        "name,contact,zip\nBo Chen,bo@example.com,more/bo.zip\nCy Dee,cy@example.com,gone.zip\n"
    )
    inputs = [str(zips), str(manifest)]
    started = time.monotonic()
    run = _batch(inputs, folder / "out")
    return Batch(folder, folder / "out", inputs, run, time.monotonic() - started)


def _rows(stdout: str) -> dict[str, str]:
    """Each submission's outcome, read from the summary table."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) > 4 and cells[1].endswith(".zip"):
            rows[cells[1]] = cells[3]
    return rows


def test_twelve_zips_give_a_row_each_and_exit_1_listing_what_could_not_be_graded(
    batch: Batch, no_leftovers: None
) -> None:
    run = batch.run
    assert run.returncode == 1, run.stderr[-3000:] + run.stdout
    assert _rows(run.stdout) == {
        **{f"tiny-{n}.zip": "graded" for n in range(7)},
        "tiny-0-again.zip": "graded",
        "fills-the-disk.zip": "graded",
        "bo.zip": "graded",
        "not-a-zip.zip": "refused",
        "broken-toml.zip": "refused",
        "gone.zip": "refused",
    }
    listed = run.stdout.split("could not grade 3:")[1]
    assert "not-a-zip.zip: not-a-zip.zip: not a zip file" in listed
    assert "broken-toml.zip" in listed and "not valid TOML" in listed
    assert "people.csv line 3: gone.zip: no such file" in listed
    begun = "batch of 13 submissions (12 distinct): 9 to grade with 2 jobs at once (--jobs)"
    assert begun in run.stderr
    assert "peak memory: coordinator" in run.stdout
    assert "Traceback" not in run.stderr


def test_the_ledger_holds_each_submission_once_with_all_its_senders(batch: Batch) -> None:
    ledger = read_ledger(batch.out)
    graded = [e for e in ledger.latest() if e.status == "graded"]
    assert len(graded) == 9  # tiny-0 and its copy are one submission
    assert all(ledger.complete(e.key) for e in graded)
    twice = [e for e in graded if len(e.senders) == 2]
    assert [sorted(Path(s.file).name for s in e.senders) for e in twice] == [
        ["tiny-0-again.zip", "tiny-0.zip"]
    ]
    bo = next(e for e in graded if any(s.name == "Bo Chen" for s in e.senders))
    assert bo.senders[0].contact == "bo@example.com"
    result = json.loads((batch.out / bo.result).read_text())
    assert result["submission"]["candidate"] == "Bo Chen"
    disk = next(e for e in graded if e.senders[0].file.endswith("fills-the-disk.zip"))
    stages = json.loads((batch.out / disk.result).read_text())["stages"]
    assert stages["train"]["verdict"] == "failed"
    train = stages["train"]
    assert "No space left on device" in train["log_head"] + train["log_tail"]
    refused = [e for e in ledger.latest() if e.status == "refused"]
    assert len(refused) == 2  # the missing file has no bytes to key


def test_a_rerun_of_a_complete_batch_grades_nothing_and_is_fast(
    batch: Batch, no_leftovers: None
) -> None:
    lines_before = (batch.out / LEDGER_FILE).read_text().count("\n")
    started = time.monotonic()
    rerun = _batch(batch.inputs, batch.out)
    seconds = time.monotonic() - started
    assert rerun.returncode == 1, rerun.stderr
    rows = _rows(rerun.stdout)
    assert sorted(name for name, status in rows.items() if status == "cached") == sorted(
        [*(f"tiny-{n}.zip" for n in range(7)), "tiny-0-again.zip", "fills-the-disk.zip", "bo.zip"]
    )
    assert "0 to grade" in rerun.stderr
    assert "workers none ran" in rerun.stdout
    assert (batch.out / LEDGER_FILE).read_text().count("\n") == lines_before
    assert seconds < 15, f"a rerun with nothing to grade took {seconds:.1f} s"


def test_regrade_grades_again_what_the_ledger_has(batch: Batch, no_leftovers: None) -> None:
    one = str(batch.folder / "zips" / "tiny-3.zip")
    entry = next(e for e in read_ledger(batch.out).latest() if e.senders[0].file == one)
    before = (batch.out / entry.result).stat().st_mtime_ns
    again = _batch([one], batch.out, "--regrade")
    assert again.returncode == 0, again.stderr
    assert _rows(again.stdout) == {"tiny-3.zip": "graded"}
    assert (batch.out / entry.result).stat().st_mtime_ns > before
    assert read_ledger(batch.out).entries[entry.key].finished >= entry.finished


def test_ctrl_c_mid_batch_removes_every_container_and_a_rerun_finishes_the_rest(
    tmp_path: Path, docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    zips = tmp_path / "zips"
    zips.mkdir()
    for number in range(4):
        tiny(zips / f"t{number}.zip", 200 + number)
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    command = [str(GRADE), "batch", str(zips), "--out", str(out), "--jobs", "2"]
    env = {**ENV, "TMPDIR": str(scratch)}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env, start_new_session=True)  # fmt: skip
    workers = _wait_for_containers(child, docker_client)
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    try:
        _, stderr = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 130, stderr
    assert "stopped " in stderr and "run the same command again to grade the rest" in stderr
    assert stderr.rstrip().splitlines()[-1].startswith("grade: interrupted (SIGINT): stopped")
    assert "Traceback" not in stderr
    assert owned_by(docker_client, workers) == []
    assert list(scratch.iterdir()) == [], "temporary folders were left behind"
    ledger = read_ledger(out)
    assert all(ledger.complete(e.key) for e in ledger.latest()), "a half-done entry was recorded"
    assert len(ledger.latest()) < 4, "the interrupt came too late to stop anything"

    rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert set(_rows(rerun.stdout).values()) <= {"graded", "cached"}
    assert len(_rows(rerun.stdout)) == 4
    ledger = read_ledger(out)
    assert len(ledger.latest()) == 4 and all(ledger.complete(e.key) for e in ledger.latest())


def _wait_for_containers(child: subprocess.Popen[str], client: Any) -> list[int]:
    """The batch's worker pids, once a grading has containers on the engine."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        workers = children(child.pid)
        if owned_by(client, workers):
            return workers
        time.sleep(0.2)
    child.kill()
    raise AssertionError(f"no grading started: {child.communicate()}")
