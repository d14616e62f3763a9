"""The coordinator's side of `grade batch --cluster`: the batch's pool, on Dask distributed.

`ClusterPool` is what `harness.batch.run` hands jobs to in place of the local process pool:
one task per submission, each declaring one `docker` resource, so a worker runs as many
gradings at once as it offers. The challenge travels once per worker as a content-addressed
archive (a task keyed by its hash, recomputed if every worker holding it is lost); the zip
travels as bytes. At most `window` tasks are on the cluster at a time, so a batch of
thousands never holds every zip in memory at once.

Each finished task's `result.json` and report are written here, by the coordinator, then its
future resolves with the `Outcome` the batch records in the ledger: the coordinator stays
the only writer of both. A task whose worker died is run again by Dask on another worker; a
grading that failed is retried `RETRIES` times; what fails on every try resolves as an
`error` outcome with the reason, never as an exception out of the batch.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as WaitTimeout
from dataclasses import dataclass, replace
from typing import Any

from distributed import Client
from distributed import Future as DaskFuture

from harness.batch.jobs import Jobs
from harness.batch.plan import Job
from harness.batch.run import BatchOptions
from harness.batch.worker import Outcome
from harness.challenges.catalog import Catalog
from harness.cluster.archive import ChallengeArchive, pack_challenge
from harness.cluster.connect import RESOURCE, connect, docker_slots
from harness.cluster.remote import (
    GraderFailedError,
    Returned,
    Work,
    grade_remote,
    hold_archive,
    stop_batch,
)
from harness.cluster.target import ClusterTarget
from harness.cluster.write import write_returned
from harness.errors import HarnessError

RETRIES = 2
"""Tries after the first for a grading the grader failed (a worker's death is retried by the
scheduler itself, up to `distributed.scheduler.allowed-failures`)."""
STOP_WAIT_S = 60.0
"""How long a Ctrl-C waits for the interrupted gradings to remove their containers."""
RUN_TIMEOUT_S = 10.0


@dataclass
class _Flight:
    job: Job
    future: Future[Outcome]
    remote: DaskFuture[Returned]


def open_cluster(options: BatchOptions, catalog: Catalog) -> tuple[ClusterPool, Jobs]:
    """Connect and count the slots before anything runs: an unreachable scheduler or one
    with no worker offering the resource is one line (exit 2), never a wait."""
    target = options.cluster
    if target is None:
        raise ValueError("open_cluster needs options.cluster")
    if options.jobs is not None:
        raise HarnessError(
            "--jobs is for this machine's process pool",
            hint=f"on a cluster each worker runs as many gradings as its {RESOURCE!r} resource",
        )
    client = connect(target)
    try:
        slots = docker_slots(client, target.address)
    except BaseException:
        _any(client).close()
        raise
    why = f"cluster {target.address}: {slots.workers} workers offering {RESOURCE}"
    return ClusterPool(client, options, catalog, slots.slots), Jobs(slots.slots, why)


class ClusterPool:
    """Gradings on a Dask cluster, with the interface of the batch's local pool."""

    def __init__(self, client: Client, options: BatchOptions, catalog: Catalog, slots: int):
        self.client: Any = client  # `distributed` is typed only in part
        self.options, self.catalog = options, catalog
        self.batch = uuid.uuid4().hex
        self.window = 2 * slots + 2
        self.lock = threading.RLock()
        self.queue: collections.deque[tuple[Job, Future[Outcome]]] = collections.deque()
        self.flying: dict[str, _Flight] = {}
        self.archives: dict[str, DaskFuture[ChallengeArchive]] = {}
        self.stopping = False

    @property
    def target(self) -> ClusterTarget:
        assert self.options.cluster is not None
        return self.options.cluster

    def submit(self, job: Job) -> Future[Outcome]:
        """A future that resolves once the job's files are written (or it ended otherwise)."""
        future: Future[Outcome] = Future()
        future.set_running_or_notify_cancel()
        with self.lock:
            self.queue.append((job, future))
        self._fill()
        return future

    def stop(self) -> None:
        """Ctrl-C: nothing more starts, the running gradings are interrupted (they remove
        their containers), and every future resolves; what finished meanwhile is kept."""
        with self.lock:
            self.stopping = True
            queued = list(self.queue)
            self.queue.clear()
        for _, future in queued:
            _resolve(future, Outcome("stopped", "not started"))
        interrupted = self._interrupt()
        with self.lock:
            idle = [f.remote for key, f in self.flying.items() if key not in interrupted]
            futures = [f.future for f in self.flying.values()]
        self.client.cancel(idle)
        _, late = wait(futures, timeout=STOP_WAIT_S)
        for future in late:
            _resolve(future, Outcome("stopped", "stopped; its worker did not answer in time"))

    def shutdown(self) -> None:
        with self.lock:
            self.stopping = True
            remotes = [f.remote for f in self.flying.values()]
        with contextlib.suppress(Exception):  # a scheduler already gone has nothing to release
            if remotes:
                self.client.cancel(remotes)
            self.client.close(timeout=RUN_TIMEOUT_S)

    def _interrupt(self) -> set[str]:
        """The keys of the gradings `stop_batch` interrupted on the workers that answered."""
        with ThreadPoolExecutor(1) as runner:
            asked = runner.submit(self.client.run, stop_batch, self.batch, on_error="return")
            try:
                answers: dict[str, Any] = asked.result(timeout=RUN_TIMEOUT_S)
            except (WaitTimeout, OSError):
                return set()
        return {key for keys in answers.values() if isinstance(keys, list) for key in keys}

    def _fill(self) -> None:
        """Send queued jobs while fewer than `window` are on the cluster."""
        with self.lock:
            while self.queue and len(self.flying) < self.window and not self.stopping:
                job, future = self.queue.popleft()
                self._send(job, future)

    def _send(self, job: Job, future: Future[Outcome]) -> None:
        try:
            work = Work(job.key.sha256, job.submission.path.read_bytes(), job.submission.candidate,
                        self.batch, self.options.limits, self.options.backend)  # fmt: skip
            archive = self._archive(job.key.challenge)
        except OSError as err:
            _resolve(future, Outcome("error", f"cannot read it: {err.strerror or err}"))
            return
        except HarnessError as err:
            _resolve(future, Outcome("error", err.one_line()))
            return
        remote: DaskFuture[Returned] = self.client.submit(
            grade_remote, work, archive, key=f"grade-{job.key.sha256[:24]}-{self.batch}",
            resources={RESOURCE: 1}, retries=RETRIES, pure=False,
        )  # fmt: skip
        self.flying[str(remote.key)] = _Flight(job, future, remote)
        _any(remote).add_done_callback(self._landed)

    def _archive(self, challenge_id: str) -> DaskFuture[ChallengeArchive]:
        """The challenge's archive as a task, packed and sent once per batch."""
        if challenge_id not in self.archives:
            archive = pack_challenge(self.catalog.get(challenge_id))
            self.archives[challenge_id] = self.client.submit(
                hold_archive, archive, key=archive.key, pure=False
            )
        return self.archives[challenge_id]

    def _landed(self, remote: DaskFuture[Returned]) -> None:
        """A task ended (Dask's callback thread): write its files, resolve its future."""
        with self.lock:
            flight = self.flying.pop(str(remote.key), None)
        if flight is None:
            return
        try:
            outcome = self._outcome(flight.job, remote)
        except HarnessError as err:  # what the worker sent back cannot be written
            outcome = Outcome("error", err.one_line())
        except Exception as err:  # a bug here: this row says so, the batch goes on
            outcome = Outcome("error", " ".join(f"internal error: {type(err).__name__}: {err}"
                                                .split()))  # fmt: skip
        _resolve(flight.future, outcome)
        self._fill()

    def _outcome(self, job: Job, remote: DaskFuture[Returned]) -> Outcome:
        if remote.status == "cancelled":
            if self.stopping:
                return Outcome("stopped", "not started")
            return Outcome("error", "the cluster dropped it (the scheduler restarted or left)")
        if remote.status == "error":
            return Outcome("error", failure_line(_any(remote).exception()))
        returned = remote.result()
        if returned.outcome.status != "graded":
            return returned.outcome
        written = write_returned(self.options.out, job.key.sha256, returned, self.catalog.roots)
        return replace(returned.outcome, result=written)


def failure_line(error: BaseException | None) -> str:
    """Why a task failed on every try, in one line."""
    tries = RETRIES + 1
    if isinstance(error, GraderFailedError):
        return " ".join(f"failed on every try ({tries}): {error}".split())
    name = type(error).__name__
    if name == "KilledWorker":
        return " ".join(f"every worker that took it died ({error})".split())
    return " ".join(f"worker failed: {name}: {error}".split())


def _any(value: object) -> Any:
    """`distributed` is typed only in part: its untyped methods are called through this."""
    return value


def _resolve(future: Future[Outcome], outcome: Outcome) -> None:
    """Set the outcome unless it has one (a stop and a late ending may race)."""
    try:
        future.set_result(outcome)
    except Exception:  # InvalidStateError: already resolved
        return
