"""The `local` backend: plain subprocesses with resource limits, for candidates who run the
self-check where Docker is not installed. Never the default for grading, and a result graded
with it says so (`provenance.backend = "local"`).

What differs from Docker, and is said so to whoever uses it: the network is NOT cut off, the
filesystem is NOT read-only (only the working copy is fresh), there is no pids limit beyond
the user's own, and memory is capped per process (RLIMIT_AS), not per stage. Timeouts, the
output cap, file sizes and core dumps are enforced as in Docker.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.api_grading.run import ModelApiRun, StageClock
from harness.models import StageName, StageResult
from harness.sandbox.docker import ContainerOutcome, Limits
from harness.sandbox.logs import CappedLog, LogPump
from harness.sandbox.stages import (
    DEFAULT_LIMITS,
    StageInputs,
    StageLogic,
    StageRun,
    environment,
    fill,
    not_run,
    stage_result,
    verdict_of,
)

PR_SET_CHILD_SUBREAPER = 36
DIFFERENCES = (
    "the local backend does not cut the network, does not make the filesystem read-only "
    "and caps memory per process, not per stage: a submission that passes here may still "
    "fail in the grading sandbox"
)


class LocalRunner(StageLogic):
    """Runs each stage as a subprocess in a fresh copy of the submission under `workdir`."""

    def __init__(
        self,
        inputs: StageInputs,
        workdir: Path,
        limits: Mapping[StageName, Limits] | None = None,
    ) -> None:
        self.inputs = inputs
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.workdir = workdir
        self.artifacts = workdir / "artifacts"
        self.output = workdir / "output"
        self.junit_path = str(self.output / "junit.xml")
        self.paths = {
            "data": str(inputs.data),
            "artifacts": str(self.artifacts),
            "input": str(inputs.features),
            "output": str(self.output / "predictions.csv"),
            "port": "8000",
        }
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.output.mkdir(parents=True, exist_ok=True)

    def run(self, stage: StageName, command: str, **extra: str) -> StageRun:
        work = self.workdir / f"work-{stage}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(self.inputs.submission, work, symlinks=True)
        limits = self.limits[stage]
        extra = {**self.inputs.api_environment(stage), **extra}
        env = environment(fill(command, self.inputs.paths(stage, self.paths)), limits, **extra)
        env |= {"PATH": _path(), "HOME": str(self.workdir)}
        with self.timed(stage):
            outcome = run_process(env["GRADE_COMMAND"], work, env, limits)
        verdict, reason = verdict_of(outcome, limits)
        return StageRun(stage_result(outcome, verdict, reason))

    def fetch_output(self, stage: StageName) -> tuple[Path | None, str | None]:
        return self.output, None


def run_local_stages_with_api(
    inputs: StageInputs,
    limits: Mapping[StageName, Limits],
    workdir: Path,
    progress: Callable[[str], None],
    model_api: Mapping[str, Any] | None,
) -> tuple[dict[StageName, StageResult], ModelApiRun | None]:
    """`run_local_stages`, with the challenge's model API (if it gives one) as a host
    process beside them, on a free port of this machine's loopback."""
    if model_api is None:
        return run_local_stages(inputs, limits, workdir, progress), None
    from harness.model_api.sidecar import ProcessSidecar

    with ProcessSidecar(model_api) as side:
        clock = StageClock()
        inputs = dataclasses.replace(inputs, model_api=side.access)
        stages = run_local_stages(inputs, limits, workdir, progress, clock)
        served = side.stop()
    return stages, ModelApiRun(dict(model_api), served.log, tuple(clock.windows),
                               served.server_output)  # fmt: skip


def run_local_stages(
    inputs: StageInputs,
    limits: Mapping[StageName, Limits],
    workdir: Path,
    progress: Callable[[str], None],
    clock: StageClock | None = None,
) -> dict[StageName, StageResult]:
    """train, predict and test as subprocesses; install and serve are not run locally."""
    runner = LocalRunner(inputs, workdir, limits)
    runner.clock = clock
    stages: dict[StageName, StageResult] = {
        "install": not_run("the local backend uses the environment grade runs in").result
    }
    progress("train")
    stages["train"] = runner.train().result
    trained = stages["train"].verdict == "ok"
    progress("predict")
    why = f"train did not succeed ({stages['train'].verdict})"
    stages["predict"] = (runner.predict() if trained else not_run(why)).result
    progress("test")
    stages["test"] = runner.test().result
    stages["serve"] = not_run("the local backend does not start or probe services").result
    return stages


def run_process(command: str, cwd: Path, env: dict[str, str], limits: Limits) -> ContainerOutcome:
    """One shell command in its own process group, under the harness's deadline."""
    log = CappedLog()
    _become_subreaper()
    ours = set(_children(os.getpid()))  # the harness's own children are not the stage's
    started = time.monotonic()
    process = subprocess.Popen(
        ["sh", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: _set_rlimits(limits),  # before exec: no threads in the child yet
    )
    stream = process.stdout
    assert isinstance(stream, io.BufferedReader)
    reader = LogPump(lambda: iter(lambda: stream.read1(65536), b""), log, limits.max_output_bytes)
    reader.start()
    try:
        killed_for = _wait(process, reader, started + limits.timeout_s)
    finally:  # SIGTERM or SIGINT mid-stage: the stage's group and its strays go too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _reap_strays(keep=ours)
    reader.join(timeout=5)
    return ContainerOutcome(
        exit_code=_exit_code(process.returncode),
        timed_out=killed_for == "timeout",
        oom_killed=False,
        output_limit=killed_for == "output",
        duration_s=time.monotonic() - started,
        peak_memory_mb=None,  # getrusage only knows the peak of all children so far
        log=log,
    )


def _wait(process: subprocess.Popen[bytes], reader: LogPump, deadline: float) -> str | None:
    while process.poll() is None:
        if reader.over_limit or time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "output" if reader.over_limit else "timeout"
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):  # what it left in its group goes too
        os.killpg(process.pid, signal.SIGKILL)
    return None


def _become_subreaper() -> None:
    """Linux: orphans of the stage (a daemon that called setsid) become our children, so
    `_reap_strays` can end them. Elsewhere they may outlive the stage."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _reap_strays(keep: set[int]) -> None:
    """Kill and reap what the stage left running: every child of this process that was not
    already one before the stage began (the stage's shell is reaped by then)."""
    for _ in range(50):
        strays = [pid for pid in _children(os.getpid()) if pid not in keep]
        if not strays:
            return
        for pid in strays:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                found.append(int(stat.parent.name))
    return found


def _path() -> str:
    """The user's PATH, with the interpreter running grade first: `python` in a command is
    the environment the candidate installed grade (and their requirements) into."""
    return os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]
    )


def _exit_code(returncode: int) -> int:
    """A process killed by a signal reports -N; as in a container, that is 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def _set_rlimits(limits: Limits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    size = limits.file_size_mb * 1024 * 1024
    cpu = int(limits.timeout_s) + 30
    for kind, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_FSIZE, size),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CPU, cpu),
    ):
        resource.setrlimit(kind, (value, value))
