"""The sandbox's pure parts: capped logs, verdicts, limits, output extraction, probe parsing."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import HarnessError, IntakeError
from harness.sandbox.docker import ContainerOutcome, Limits
from harness.sandbox.limits import apply_overrides, parse_overrides, recorded
from harness.sandbox.logs import CappedLog
from harness.sandbox.outputs import unpack_tar
from harness.sandbox.serve import parse_probe, sample_records
from harness.sandbox.stages import DEFAULT_LIMITS, fill, verdict_of


@given(st.lists(st.binary(max_size=300), max_size=40))
def test_a_capped_log_keeps_the_head_and_the_tail(chunks: list[bytes]) -> None:
    log = CappedLog(head_bytes=100, tail_bytes=50)
    for chunk in chunks:
        log.add(chunk)
    everything = b"".join(chunks)
    assert log.total == len(everything)
    assert log.head() == everything[:100].decode("utf-8", "replace")
    if len(everything) <= 150:
        # head and tail decode apart: a character split between them is replaced
        assert log.tail() == everything[100:].decode("utf-8", "replace")
    else:
        assert log.truncated
        assert log.tail().endswith(everything[-50:].decode("utf-8", "replace"))
        assert "bytes dropped" in log.tail()


def outcome(**changes: object) -> ContainerOutcome:
    fields: dict[str, object] = {
        "exit_code": 0, "timed_out": False, "oom_killed": False, "output_limit": False,
        "duration_s": 1.0, "peak_memory_mb": None, "log": CappedLog(),
    }  # fmt: skip
    return ContainerOutcome(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({}, "ok"),
        ({"exit_code": 1}, "failed"),
        ({"exit_code": 137, "timed_out": True}, "timeout"),
        ({"exit_code": 137, "oom_killed": True}, "oom"),
        ({"exit_code": 137}, "oom"),  # not caused by the harness, no OOMKilled flag
        ({"exit_code": 137, "output_limit": True}, "output_limit"),
    ],
)
def test_each_outcome_gets_exactly_one_verdict(changes: dict[str, object], verdict: str) -> None:
    assert verdict_of(outcome(**changes), Limits())[0] == verdict


def test_limit_overrides_are_parsed_and_applied() -> None:
    overrides = parse_overrides(["train.timeout=60", "train.memory=512", "predict.cpus=0.5"])
    applied = apply_overrides(DEFAULT_LIMITS, overrides)
    assert applied["train"].timeout_s == 60 and applied["train"].memory_mb == 512
    assert applied["predict"].cpus == 0.5
    assert applied["test"] == DEFAULT_LIMITS["test"]
    assert recorded(applied)["train"].memory_mb == 512


@pytest.mark.parametrize(
    "bad", ["train.speed=1", "deploy.timeout=1", "train.timeout", "train.timeout=x", "train.pids=0"]
)
def test_a_bad_limit_is_one_clear_line(bad: str) -> None:
    with pytest.raises(HarnessError, match="--limit"):
        parse_overrides([bad])


def test_placeholders_become_container_paths() -> None:
    command = "python p.py --model {artifacts} --input {input} --output {output} --x {{1}}"
    assert fill(command) == (
        "python p.py --model /artifacts --input /input/features.csv "
        "--output /output/predictions.csv --x {1}"
    )


def _tar(members: list[tarfile.TarInfo], payload: bytes = b"x") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for member in members:
            archive.addfile(member, io.BytesIO(payload) if member.isfile() else None)
    return buffer.getvalue()


def _file(name: str) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.size = 1
    return member


def test_outputs_unpack_without_their_top_folder(tmp_path: Path) -> None:
    unpacked = unpack_tar(_tar([_file("output/predictions.csv")]), tmp_path / "out")
    assert unpacked.files == ("predictions.csv",)
    assert (tmp_path / "out" / "predictions.csv").read_bytes() == b"x"


@pytest.mark.parametrize(
    ("kind", "name"), [(tarfile.SYMTYPE, "output/p.csv"), (tarfile.LNKTYPE, "output/p.csv"),
                       (tarfile.CHRTYPE, "output/dev"), (tarfile.FIFOTYPE, "output/fifo")],
)  # fmt: skip
def test_links_and_devices_in_outputs_are_refused(tmp_path: Path, kind: bytes, name: str) -> None:
    member = tarfile.TarInfo(name)
    member.type = kind
    member.linkname = "/etc/shadow"
    with pytest.raises(IntakeError, match="link or special file"):
        unpack_tar(_tar([member]), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_outputs_escaping_the_target_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match=r"'\.\.'"):
        unpack_tar(_tar([_file("output/../../evil.py")]), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_the_probe_report_is_read_from_its_marked_line() -> None:
    log = 'noise\nGRADE_PROBE {"time_to_healthy_s": 1.5, "valid": {"status": 200},' \
          ' "malformed": {"not_json": {"status": 422}}, "alive_after": true}\n'  # fmt: skip
    report = parse_probe(log)
    assert report is not None and report.healthy and report.alive_after
    assert report.valid_status() == 200
    assert report.malformed_statuses() == {"not_json": 422}
    assert parse_probe("no report at all") is None


def test_sample_records_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("row_id,age,charges,plan\nr1,30,12.5,gold\nr2,,7,\n")
    assert sample_records(path) == [
        {"row_id": "r1", "age": 30, "charges": 12.5, "plan": "gold"},
        {"row_id": "r2", "age": None, "charges": 7, "plan": None},
    ]
