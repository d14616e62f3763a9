"""`grade batch`: the coordinator. It plans, hands gradings to a pool, records each ending
in the ledger as it arrives, and on a signal stops the workers and records nothing half-done.

The pool is this machine's process pool by default, or a Dask cluster (`--cluster`,
`harness.cluster`, imported only then): both take a job and give back a future of its
`Outcome`, and either way the coordinator is the only writer of the ledger.

Workers are spawned (never forked from a process with threads) with SIGINT ignored until
their initializer takes it over, so a Ctrl-C while one is starting cannot break the pool.
Only the coordinator writes the ledger, one whole line per finished submission: an interrupt
leaves it consistent, and a rerun grades only what has no complete entry.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from harness.batch.inputs import collect
from harness.batch.jobs import Jobs, choose_jobs
from harness.batch.ledger import Entry, Ledger, Sender, read_ledger
from harness.batch.plan import Job, Plan, Refused, Submission, make_plan
from harness.batch.worker import Outcome, Task, grade_one, init_worker
from harness.challenges.catalog import Catalog, load_catalog
from harness.cluster.target import ClusterTarget
from harness.errors import HarnessError
from harness.grading import require_writable_folder
from harness.models import Backend
from harness.sandbox import docker as engine
from harness.sandbox.limits import parse_overrides

RowStatus = Literal["graded", "cached", "refused", "error", "stopped"]
FAILED: frozenset[RowStatus] = frozenset({"refused", "error"})
TICK_S = 1.0


@dataclass(frozen=True)
class BatchOptions:
    inputs: tuple[Path, ...]
    out: Path
    jobs: int | None = None
    regrade: bool = False
    challenge_dirs: tuple[Path, ...] = ()
    limits: tuple[str, ...] = ()
    backend: Backend = "docker"
    cluster: ClusterTarget | None = None
    """Grade on this Dask cluster instead of the local process pool."""


@dataclass(frozen=True)
class Row:
    """One submission's line in the summary."""

    file: str
    candidate: str
    status: RowStatus
    message: str
    sha256: str = ""
    result: str = ""
    seconds: float = 0.0


@dataclass
class BatchReport:
    out: Path
    jobs: Jobs
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0
    workers: dict[int, int] = field(default_factory=dict)
    """Each worker's pid and peak resident memory (KiB)."""

    @property
    def failed(self) -> list[Row]:
        return [row for row in self.rows if row.status in FAILED]

    @property
    def coordinator_peak_kib(self) -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @property
    def children_peak_kib(self) -> int:
        """The largest peak of any child that has ended (the workers, once the pool is shut)."""
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


class Display:
    """What the coordinator tells as it goes (a no-op here; `harness.batch.progress` draws it)."""

    def begin(self, report: BatchReport, plan: Plan) -> None:
        """The batch is planned: how many to grade, with how many jobs, what was skipped."""

    def row(self, row: Row) -> None:
        """One submission ended."""

    def status(self, status: Status) -> None:
        """Where the batch stands, about once a second."""

    def end(self, report: BatchReport, interrupted: bool) -> None:
        """The batch ended, or a signal stopped it (then the report holds what ended)."""


@dataclass(frozen=True)
class Status:
    done: int
    total: int
    running: list[str]
    failed: int
    left_s: float | None
    """The time left, estimated from the mean grading so far; None before one has ended."""


class Pool(Protocol):
    """Where the gradings run: `LocalPool` here, or `harness.cluster.pool.ClusterPool`."""

    def submit(self, job: Job) -> Future[Outcome]:
        """Start grading `job` (or queue it); the future resolves with how it ended."""

    def stop(self) -> None:
        """A signal: stop every grading (each removes its containers), start no more, and
        return once every future has resolved or the workers' cleanup is done."""

    def shutdown(self) -> None:
        """The batch is over: release the workers."""


class LocalPool:
    """This machine's process pool: spawned workers with SIGINT handled by `init_worker`."""

    def __init__(self, options: BatchOptions, workers: int) -> None:
        self.options = options
        self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), init_worker)

    def submit(self, job: Job) -> Future[Outcome]:
        return self.pool.submit(grade_one, _task(job, self.options))

    def stop(self) -> None:
        _stop(self.pool)
        if self.options.backend == "docker":
            _sweep_after_workers()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def run_batch(options: BatchOptions, display: Display) -> BatchReport:
    """Grade every submission the inputs name; bad input raises before anything runs."""
    parse_overrides(options.limits)
    require_writable_folder(options.out)
    catalog = load_catalog(options.challenge_dirs)
    wanted = collect(options.inputs)
    ledger = read_ledger(options.out)
    started = time.monotonic()
    plan = make_plan(wanted, catalog, ledger, options.regrade)
    pool, jobs = _open_pool(options, catalog, plan)
    report = BatchReport(options.out, jobs)
    try:
        report.rows.extend(_settle(plan, ledger))
        display.begin(report, plan)
        _grade(plan.jobs, pool, ledger, report, display)
    except (KeyboardInterrupt, SystemExit):
        _close(report, started, display, interrupted=True)
        raise
    finally:
        pool.shutdown()
    _close(report, started, display, interrupted=False)
    return report


def _open_pool(options: BatchOptions, catalog: Catalog, plan: Plan) -> tuple[Pool, Jobs]:
    """The local process pool, or, with `--cluster` and something to grade, the cluster
    (connected and checked here: an unreachable one is bad input before anything runs)."""
    if options.cluster is not None and plan.jobs:
        from harness.cluster.pool import open_cluster  # `distributed` only on this path

        return open_cluster(options, catalog)
    jobs = choose_jobs(options.jobs, options.limits)
    return LocalPool(options, min(jobs.count, len(plan.jobs) or 1)), jobs


def _close(report: BatchReport, started: float, display: Display, interrupted: bool) -> None:
    report.seconds = time.monotonic() - started
    report.rows.sort(key=lambda row: row.file)
    display.end(report, interrupted)


def _settle(plan: Plan, ledger: Ledger) -> list[Row]:
    """Rows for what needs no worker: refusals (recorded when they have bytes to key) and
    ledger hits (recorded again only when new senders sent the same bytes)."""
    rows = []
    for refused in plan.refused:
        known = ledger.entries.get(refused.key) if refused.key else None
        if refused.key is not None and (known is None or known.message != refused.message):
            ledger.record(Entry(refused.key, "refused", refused.message, senders=refused.senders,
                                finished=_now()))  # fmt: skip
        rows.extend(_refused_rows(refused))
    for submission, entry in plan.cached:
        senders = tuple(dict.fromkeys([*entry.senders, *submission.senders]))
        if senders != entry.senders:
            ledger.record(Entry(entry.key, entry.status, entry.message, entry.result, senders,
                                entry.finished))  # fmt: skip
        rows.extend(_rows(submission, "cached", f"already graded: {entry.message}", entry.result))
    return rows


def _grade(
    jobs: list[Job], pool: Pool, ledger: Ledger, report: BatchReport, display: Display
) -> None:
    if not jobs:
        return
    workers = min(report.jobs.count, len(jobs))
    with _ignoring_sigint():  # the spawned workers inherit SIG_IGN until their initializer
        futures = {pool.submit(job): job for job in jobs}
    pending = set(futures)
    try:
        while pending:
            done, pending = wait(pending, timeout=TICK_S, return_when=FIRST_COMPLETED)
            for future in done:
                _finish(future, futures[future], ledger, report, display)
            _show_status(futures, pending, workers, report, display)
    except BaseException:  # KeyboardInterrupt, Terminated: stop the workers, keep what ended
        with _ignoring_sigint():
            pool.stop()
        for future in pending:
            _finish(future, futures[future], ledger, report, display)
        raise


def _stop(pool: ProcessPoolExecutor) -> None:
    """Signal every worker once (Ctrl-C in a terminal already did; `kill -INT` of the
    coordinator alone did not), then wait for their cleanup."""
    for child in multiprocessing.active_children():
        try:
            os.kill(child.pid or 0, signal.SIGINT)
        except (ProcessLookupError, PermissionError):
            continue
    pool.shutdown(wait=True, cancel_futures=True)


def _sweep_after_workers() -> None:
    """Once the stopped workers have exited, remove anything a signal cut off before its
    grading could own it in a `with` (a volume made before its keeper container): its owner
    is gone, so the sweep takes it, and never what a grading still running elsewhere owns."""
    with suppress(HarnessError):  # no engine to sweep: the next grading's start sweeps
        engine.sweep(engine.connect())


def _finish(
    future: Future[Outcome], job: Job, ledger: Ledger, report: BatchReport, display: Display
) -> None:
    """Record a finished grading in the ledger and the report; nothing for one stopped."""
    outcome = _outcome(future)
    if outcome.worker:
        report.workers[outcome.worker] = max(report.workers.get(outcome.worker, 0),
                                             outcome.peak_rss_kib)  # fmt: skip
    if outcome.status != "stopped":
        ledger.record(Entry(job.key, outcome.status, outcome.message, outcome.result,
                            job.submission.senders, _now()))  # fmt: skip
    rows = _rows(job.submission, outcome.status, outcome.message, outcome.result, outcome.seconds)
    report.rows.extend(rows)
    for row in rows:
        display.row(row)


def _outcome(future: Future[Outcome]) -> Outcome:
    if future.cancelled():
        return Outcome("stopped", "not started")
    if not future.done():
        return Outcome("stopped", "stopped")
    error = future.exception()
    if error is None:
        return future.result()
    if isinstance(error, KeyboardInterrupt):
        return Outcome("stopped", "stopped")
    return Outcome("error", " ".join(f"worker failed: {type(error).__name__}: {error}".split()))


def _show_status(
    futures: dict[Future[Outcome], Job],
    pending: set[Future[Outcome]],
    workers: int,
    report: BatchReport,
    display: Display,
) -> None:
    running = [futures[f].submission.file for f in pending if f.running()][:workers]
    ended = [r for r in report.rows if r.status in ("graded", "error", "refused") and r.seconds]
    left = None
    if ended:
        mean = sum(r.seconds for r in ended) / len(ended)
        left = mean * len(pending) / workers
    failed = sum(row.status in FAILED for row in report.rows)
    total = len(report.rows) + sum(len(futures[f].submission.senders) for f in pending)
    display.status(Status(len(report.rows), total, running, failed, left))


def _task(job: Job, options: BatchOptions) -> Task:
    return Task(job.submission.path.resolve(), options.out.resolve(), job.submission.candidate,
                options.challenge_dirs, options.limits, options.backend)  # fmt: skip


def _rows(
    submission: Submission, status: RowStatus, message: str, result: str = "", seconds: float = 0.0
) -> list[Row]:
    """A row per sender: identical zips are graded once, and each file given still has its line."""
    return _sender_rows(submission.senders, status, message, submission.sha256, result, seconds)


def _refused_rows(refused: Refused) -> list[Row]:
    sha = refused.key.sha256 if refused.key else ""
    return _sender_rows(refused.senders, "refused", refused.message, sha)


def _sender_rows(
    senders: Sequence[Sender],
    status: RowStatus,
    message: str,
    sha256: str,
    result: str = "",
    seconds: float = 0.0,
) -> list[Row]:
    rows = []
    for number, sender in enumerate(senders):
        said = message if number == 0 else f"the same bytes as {senders[0].file}: {message}"
        candidate = sender.name or Path(sender.file).stem
        rows.append(Row(sender.file, candidate, status, said, sha256, result,
                        seconds if number == 0 else 0.0))  # fmt: skip
    return rows


@contextmanager
def _ignoring_sigint() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
