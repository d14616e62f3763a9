"""The cluster path without the Docker engine: the challenge archive (deterministic, content
addressed, unpacked once into a private folder), the address and TLS checks, the CLI options,
an unreachable scheduler and one with no `docker` worker (one line, in seconds), and a task
that fails on every try on a real two-worker `LocalCluster` (a row with the reason)."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from harness.batch.ledger import read_ledger
from harness.batch.run import BatchOptions, Display, run_batch
from harness.challenges.catalog import BUNDLED, load_catalog
from harness.challenges.model import load_challenge
from harness.cluster.archive import ChallengeArchive, pack_challenge, unpack_cached
from harness.cluster.command import cluster_options
from harness.cluster.connect import connect
from harness.cluster.remote import GraderFailedError, Work, grade_remote
from harness.cluster.target import ClusterTarget, check_target
from harness.errors import HarnessError
from harness.intake import sha256_file
from tests.batch.kit import tiny
from tests.cluster.clusters import local_cluster, two_docker_workers

CHURN = BUNDLED / "customer-churn"


def test_the_archive_is_deterministic_and_holds_the_private_side_and_the_rubric(
    tmp_path: Path,
) -> None:
    first = pack_challenge(load_challenge(CHURN))
    copy = tmp_path / "challenges" / "customer-churn"
    shutil.copytree(CHURN, copy)  # new mtimes, same content
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.pyc").write_bytes(b"junk")
    (tmp_path / "rubrics").mkdir()
    shutil.copy(BUNDLED.parent / "rubrics" / "customer-churn.toml", tmp_path / "rubrics")
    again = pack_challenge(load_challenge(copy))
    assert again == first, "the same content must be the same archive, byte for byte"
    with tarfile.open(fileobj=BytesIO(first.data)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert "challenges/customer-churn/private/trap.toml" in names
    assert "challenges/customer-churn/private/holdout/labels.csv" in names
    assert "rubrics/customer-churn.toml" in names
    assert not any("__pycache__" in name for name in names)
    assert {(m.mtime, m.mode, m.uid, m.uname) for m in members} == {(0, 0o644, 0, "")}
    (copy / "private" / "trap.toml").write_text("changed\n")
    assert pack_challenge(load_challenge(copy)).sha256 != first.sha256


def test_an_archive_unpacks_once_into_a_private_folder_and_grades_like_the_original(
    tmp_path: Path,
) -> None:
    archive = pack_challenge(load_challenge(CHURN))
    cache = tmp_path / "cache"
    root = unpack_cached(archive, cache)
    assert cache.stat().st_mode & 0o777 == 0o700
    unpacked = load_catalog((root,)).get("customer-churn")
    original = load_challenge(CHURN)
    assert unpacked.folder == root / "customer-churn"
    assert unpacked.version == original.version
    assert unpacked.rubric_path.read_bytes() == original.rubric_path.read_bytes()
    assert unpacked.rubric_path.is_relative_to(cache)
    labels = "private/holdout/labels.csv"
    assert (unpacked.folder / labels).read_bytes() == (CHURN / labels).read_bytes()
    marker = unpacked.folder / "unpacked-once"
    marker.write_text("")
    assert unpack_cached(archive, cache) == root and marker.exists(), "unpacked again"


def test_damaged_archive_bytes_and_a_half_unpacked_folder(tmp_path: Path) -> None:
    archive = pack_challenge(load_challenge(CHURN))
    damaged = dataclasses.replace(archive, data=archive.data[:-1] + b"x")
    with pytest.raises(HarnessError, match="arrived damaged"):
        unpack_cached(damaged, tmp_path)
    half = tmp_path / archive.sha256 / "challenges"
    half.mkdir(parents=True)  # what a worker killed while unpacking leaves: no ready marker
    root = unpack_cached(archive, tmp_path)
    assert (root / "customer-churn" / "challenge.toml").is_file()


@pytest.mark.parametrize(
    ("target", "said"),
    [
        (ClusterTarget("localhost:8786"), "not a scheduler address"),
        (ClusterTarget("tcp://"), "not a scheduler address"),
        (ClusterTarget("tls://h:8786", Path("ca.pem")), "needs --tls-cert, --tls-key"),
        (ClusterTarget("tcp://h:8786", tls_cert=Path("c.pem")), "--tls-cert given with tcp://"),
        (
            ClusterTarget("tls://h:8786", Path("/no/ca.pem"), Path("/no/c"), Path("/no/k")),
            "--tls-ca-file /no/ca.pem: no such file",
        ),
    ],
)
def test_addresses_and_tls_files_that_cannot_work_are_one_line(
    target: ClusterTarget, said: str
) -> None:
    with pytest.raises(HarnessError) as refused:
        check_target(target)
    assert said in refused.value.one_line()


def test_the_cli_options_read_grade_cluster_and_give_one_target(tmp_path: Path) -> None:
    seen: list[ClusterTarget | None] = []

    @click.command()
    @cluster_options
    def batch(cluster: ClusterTarget | None) -> None:
        seen.append(cluster)

    runner = CliRunner()
    for pem in ("ca.pem", "me.pem", "me.key"):
        (tmp_path / pem).write_text("pem")
    assert runner.invoke(batch, [], env={"GRADE_CLUSTER": ""}).exit_code == 0
    assert runner.invoke(batch, [], env={"GRADE_CLUSTER": "tcp://h:8786"}).exit_code == 0
    pems = [str(tmp_path / pem) for pem in ("ca.pem", "me.pem", "me.key")]
    tls = ["--cluster", "tls://h:8786", "--tls-ca-file", pems[0], "--tls-cert", pems[1],
           "--tls-key", pems[2]]  # fmt: skip
    assert runner.invoke(batch, tls, env={"GRADE_CLUSTER": "tcp://other:1"}).exit_code == 0
    assert seen == [
        None,
        ClusterTarget("tcp://h:8786"),
        ClusterTarget(
            "tls://h:8786", tmp_path / "ca.pem", tmp_path / "me.pem", tmp_path / "me.key"
        ),
    ]
    assert "GRADE_CLUSTER" in runner.invoke(batch, ["--help"]).output


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def not_a_scheduler() -> Iterator[int]:
    """A TCP service that answers every connection with bytes that are not Dask's."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" * 64)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    server.close()


def test_an_unreachable_scheduler_is_one_line_within_seconds(
    closed_port: int, not_a_scheduler: int
) -> None:
    for port in (closed_port, not_a_scheduler):
        address = f"tcp://127.0.0.1:{port}"
        started = time.monotonic()
        with pytest.raises(HarnessError) as refused:
            connect(ClusterTarget(address), timeout_s=3)
        assert time.monotonic() - started < 8
        line = refused.value.one_line()
        assert line.startswith(f"cannot reach the Dask scheduler at {address} (")
        assert "\n" not in line and "dask scheduler" in line


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two real worker processes offering one `docker` slot each."""
    with two_docker_workers() as running:
        yield running


def test_no_worker_offering_docker_and_jobs_with_a_cluster_are_one_line(tmp_path: Path) -> None:
    tiny(tmp_path / "a.zip", 1)
    with local_cluster(n_workers=1, processes=False, protocol="tcp") as plain:
        options = BatchOptions((tmp_path / "a.zip",), tmp_path / "out",
                               cluster=ClusterTarget(plain.scheduler_address))  # fmt: skip
        with pytest.raises(HarnessError) as refused:
            run_batch(options, Display())
        assert "offers the 'docker' resource (1 workers)" in refused.value.one_line()
        assert "--resources docker=1" in refused.value.one_line()
        with pytest.raises(HarnessError, match="--jobs is for this machine's process pool"):
            run_batch(dataclasses.replace(options, jobs=2), Display())
    assert read_ledger(tmp_path / "out").latest() == []


def test_a_grading_that_fails_on_every_try_is_a_row_with_the_reason(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    """A challenge whose private side is missing: every worker fails at it before the
    sandbox, so this runs without an engine; the batch still ends, with that row's reason."""
    challenges = tmp_path / "challenges"
    shutil.copytree(CHURN, challenges / "customer-churn")
    (challenges / "customer-churn" / "private" / "trap.toml").unlink()
    tiny(tmp_path / "a.zip", 1)
    options = BatchOptions((tmp_path / "a.zip",), tmp_path / "out", challenge_dirs=(challenges,),
                           cluster=ClusterTarget(cluster.scheduler_address))  # fmt: skip
    report = run_batch(options, Display())
    assert [row.status for row in report.rows] == ["error"]
    message = report.rows[0].message
    assert message.startswith("failed on every try (3): ")
    assert "private/trap.toml: no such file; challenge 'customer-churn' has no private side" in (
        message
    )
    entry = read_ledger(tmp_path / "out").latest()[0]
    assert entry.status == "error" and entry.message == message
    assert report.jobs.count == 2 and "2 workers offering docker" in report.jobs.why


def test_a_worker_refuses_work_of_another_version_or_with_damaged_bytes(tmp_path: Path) -> None:
    archive = pack_challenge(load_challenge(CHURN))
    path = tiny(tmp_path / "a.zip", 1)
    work = Work(sha256_file(path), path.read_bytes(), "a", "batch-1")
    with pytest.raises(GraderFailedError, match=r"runs grade .*, the coordinator 0\.0\.0"):
        grade_remote(dataclasses.replace(work, grader_version="0.0.0"), archive)
    with pytest.raises(GraderFailedError, match="the zip's bytes arrived damaged"):
        grade_remote(dataclasses.replace(work, zip_bytes=b"PK"), archive)
    broken = ChallengeArchive(archive.challenge, archive.sha256, b"not the archive")
    with pytest.raises(GraderFailedError, match="arrived damaged"):
        grade_remote(work, broken)
