"""The unit of work on a cluster worker: one grading, a pure function of its inputs.

`grade_remote` takes the zip's bytes, the challenge's archive and the options, grades with
this worker's own Docker engine exactly as the local pool does (`grade_task`), and returns
`result.json` and the report as text: it writes nothing the coordinator reads, and never the
ledger, so any worker can grade any submission and a task run twice gives the same result.

A grading the grader itself failed (the engine, a bug, a worker of another version) raises
`GraderFailedError`, so Dask retries it, on another worker when there is one; refusals and
graded submissions are values. The coordinator's Ctrl-C reaches a running grading through
`stop_batch`, which raises KeyboardInterrupt in that grading's thread once, as a signal
does in a pool worker: the grading's own `finally` blocks remove its containers.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness import __version__
from harness.batch.worker import Outcome, Task, grade_task
from harness.cluster.archive import ChallengeArchive, unpack_cached
from harness.errors import HarnessError
from harness.models import Backend
from harness.report.render import REPORT_NAME
from harness.sandbox import leftovers

CACHE_FOLDER = "grade-challenges"


class GraderFailedError(Exception):
    """The grader failed at a submission (not the submission's fault): worth another try."""


@dataclass(frozen=True)
class Work:
    """Everything one grading needs besides the challenge (plain values: it is pickled)."""

    sha256: str
    zip_bytes: bytes
    candidate: str
    batch: str
    """The coordinator's batch id, for `stop_batch`."""
    limits: tuple[str, ...] = ()
    backend: Backend = "docker"
    grader_version: str = __version__


@dataclass(frozen=True)
class Returned:
    """A grading's outcome, with the files the coordinator writes when it was graded."""

    outcome: Outcome
    host: str = ""
    result_json: str = ""
    report_html: str = ""


@dataclass
class _Running:
    batch: str
    key: str
    interrupted: bool = False


@dataclass
class _Registry:
    """The gradings running in this worker process, by thread, and the batches stopped
    here: process-wide on purpose, since `stop_batch` runs outside the gradings' threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    running: dict[int, _Running] = field(default_factory=dict)
    stopped: set[str] = field(default_factory=set)


_REGISTRY = _Registry()


def hold_archive(archive: ChallengeArchive) -> ChallengeArchive:
    """A task whose result is the archive: Dask keeps it on the workers that need it and,
    unlike scattered data, computes it again when every worker holding it is lost."""
    return archive


def grade_remote(work: Work, archive: ChallengeArchive) -> Returned:
    """Grade one submission on this worker; raises `GraderFailedError` only for a retry."""
    started = time.monotonic()
    try:
        returned = _registered(work, archive, started)
        _let_a_pending_stop_land()
    except KeyboardInterrupt:
        returned = Returned(_stopped("stopped mid-grading; its containers were removed", started))
    if returned.outcome.status == "error":
        raise GraderFailedError(f"{returned.host}: {returned.outcome.message}")
    return returned


def stop_batch(batch: str) -> list[str]:
    """Run on every worker by the coordinator's Ctrl-C: the batch's gradings that start
    from now on do nothing, and each one running is interrupted once. Returns their keys."""
    stopped = []
    with _REGISTRY.lock:
        _REGISTRY.stopped.add(batch)
        for thread, running in _REGISTRY.running.items():
            if running.batch == batch and not running.interrupted:
                running.interrupted = True
                _raise_in(thread, KeyboardInterrupt)
                stopped.append(running.key)
    return stopped


def _raise_in(thread: int, error: type[BaseException]) -> None:
    """CPython's documented way to raise in another thread: it lands at that thread's next
    bytecode, as a signal's KeyboardInterrupt does in the main thread."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(error))


def _let_a_pending_stop_land() -> None:
    """A stop sent just as the grading ended lands here, inside `grade_remote`'s `try`, and
    never in Dask's code after it (a loop's backward jump checks for it)."""
    for _ in range(3):
        pass


def _registered(work: Work, archive: ChallengeArchive, started: float) -> Returned:
    thread = threading.get_ident()
    with _REGISTRY.lock:
        if work.batch in _REGISTRY.stopped:
            return Returned(_stopped("not started", started))
        _REGISTRY.running[thread] = _Running(work.batch, _task_key())
    try:
        return _grade_here(work, archive, started)
    finally:
        with _REGISTRY.lock:
            _REGISTRY.running.pop(thread, None)


def _grade_here(work: Work, archive: ChallengeArchive, started: float) -> Returned:
    host = socket.gethostname()
    problem = _problem(work)
    if problem:
        return Returned(_error(problem, started), host)
    try:
        root = unpack_cached(archive, _cache())
    except HarnessError as err:
        return Returned(_error(err.one_line(), started), host)
    with leftovers.owned_temp_dir("grade-cluster-") as tmp:
        zip_path, out = tmp / "submission.zip", tmp / "out"
        zip_path.write_bytes(work.zip_bytes)
        task = Task(zip_path, out, work.candidate, (root,), work.limits, work.backend)
        outcome = grade_task(task, started)
        if outcome.status != "graded":
            return Returned(outcome, host)
        result = out / outcome.result
        return Returned(replace(outcome, result=""), host, result.read_text(encoding="utf-8"),
                        result.with_name(REPORT_NAME).read_text(encoding="utf-8"))  # fmt: skip


def _problem(work: Work) -> str:
    """Why this worker must not grade `work`, or ''."""
    if work.grader_version != __version__:
        return (
            f"this worker runs grade {__version__}, the coordinator {work.grader_version} "
            "(install the same version on every worker)"
        )
    if hashlib.sha256(work.zip_bytes).hexdigest() != work.sha256:
        return "the zip's bytes arrived damaged"
    return ""


def _cache() -> Path:
    """Where archives are unpacked: the worker's own local directory (Dask removes it with
    the worker), or the temp folder outside a worker."""
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory) / CACHE_FOLDER
    except ValueError:  # not in a worker: a direct call
        return Path(tempfile.gettempdir()) / f"{CACHE_FOLDER}-{os.getuid()}"


def _task_key() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().get_current_task())
    except ValueError:
        return ""


def _stopped(message: str, started: float) -> Outcome:
    return Outcome("stopped", message, seconds=time.monotonic() - started)


def _error(message: str, started: float) -> Outcome:
    return Outcome("error", message, seconds=time.monotonic() - started)
