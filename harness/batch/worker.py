"""One grading in a worker process of the batch's pool, and how a worker takes a signal.

A worker grades with `grade_submission`, exactly as `grade SUBMISSION.zip` does, and sends back
an `Outcome`; it never touches the ledger. SIGINT and SIGTERM (Ctrl-C reaches the whole
process group) raise KeyboardInterrupt once, inside a grading only, so its `finally` blocks
remove its containers and temporary files; a second signal never cuts that cleanup short, an
idle worker only notes it, and a worker that was stopped grades nothing more.
"""

from __future__ import annotations

import functools
import os
import resource
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Literal

from harness.challenges.catalog import Catalog, load_catalog
from harness.errors import ContractError, HarnessError, IntakeError
from harness.grading import grade_submission
from harness.models import Backend, Result
from harness.pipeline import RunOptions

Ended = Literal["graded", "error", "refused", "stopped"]


@dataclass(frozen=True)
class Task:
    """What a worker needs to grade one zip (plain values: it crosses a process boundary)."""

    zip_path: Path
    out: Path
    candidate: str
    challenge_dirs: tuple[Path, ...] = ()
    limits: tuple[str, ...] = ()
    backend: Backend = "docker"


@dataclass(frozen=True)
class Outcome:
    status: Ended
    message: str
    result: str = ""
    """`result.json` relative to the out folder, when graded."""
    seconds: float = 0.0
    worker: int = 0
    """The worker's pid."""
    peak_rss_kib: int = 0
    """The worker's peak resident memory so far."""


@dataclass
class _State:
    grading: bool = False
    stopped: bool = False


_STATE = _State()


def init_worker() -> None:
    """The pool's initializer: signals stop the grading under way, once."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def _on_signal(_signum: int, _frame: FrameType | None) -> None:
    first = not _STATE.stopped
    _STATE.stopped = True
    if first and _STATE.grading:
        raise KeyboardInterrupt


def grade_one(task: Task) -> Outcome:
    """Grade one zip; every way it can end is an outcome, never an exception."""
    started = time.monotonic()
    if _STATE.stopped:
        return _outcome("stopped", "not started", started)
    _STATE.grading = True
    try:
        return grade_task(task, started)
    finally:
        _STATE.grading = False


def grade_task(task: Task, started: float) -> Outcome:
    """The grading itself, with no process-wide state: what a pool worker runs, and what a
    cluster worker's thread runs (`harness.cluster.remote`). A KeyboardInterrupt raised in it
    (a signal here, a stop sent to that thread there) is the stopped outcome, its containers
    removed by the grading's own `finally` blocks."""
    try:
        options = RunOptions(_catalog(task.challenge_dirs), None, None, task.limits, task.backend)
        graded = grade_submission(task.zip_path, options, task.out, _quiet, task.candidate)
        relative = graded.result_file.relative_to(task.out).as_posix()
        return _outcome("graded", graded_line(graded.result), started, relative)
    except KeyboardInterrupt:
        return _outcome("stopped", "stopped mid-grading; its containers were removed", started)
    except (IntakeError, ContractError) as err:
        return _outcome("refused", err.one_line(), started)
    except HarnessError as err:
        return _outcome("error", err.one_line(), started)
    except Exception as err:  # a bug in the grader: this row says so, the others go on
        message = " ".join(f"internal error: {type(err).__name__}: {err}".split())
        return _outcome("error", message, started)


def graded_line(result: Result) -> str:
    """One line for a graded submission: the trap verdict and the stages that did not pass
    (`not_run` is left out: an install with no requirements, or a stage after one that failed)."""
    bad = [
        f"{name} {stage.verdict}"
        for name, stage in result.stages.items()
        if stage.verdict not in ("ok", "not_run")
    ]
    return f"trap {result.trap.verdict}; " + (", ".join(bad) if bad else "every stage ok")


def _outcome(status: Ended, message: str, started: float, result: str = "") -> Outcome:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Outcome(status, message, result, time.monotonic() - started, os.getpid(), peak)


@functools.lru_cache(maxsize=4)
def _catalog(challenge_dirs: tuple[Path, ...]) -> Catalog:
    return load_catalog(challenge_dirs)


def _quiet(_message: str) -> None:
    """A worker's stage-by-stage progress: the coordinator shows one line per submission."""
