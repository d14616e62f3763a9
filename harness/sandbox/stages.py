"""The sandbox stages of one submission: install, train, predict, test (serve: `serve.py`).

Each stage runs the candidate's own command in a fresh hardened container:

    /submission   the unpacked submission, read-only; copied to /work (tmpfs) and run there
    /data         the public training data, read-only                    (train, test)
    /artifacts    a tmpfs volume: writable in train, read-only after it
    /input        the holdout features file only, read-only              (predict)
    /output       a tmpfs volume for predictions and the JUnit XML

Labels and private files never enter a container. The volumes are held by a harness-owned
"keeper" container, because a tmpfs is gone once the container that wrote it stops; what a
stage wrote leaves through the archive API of the keeper, into the same safe extraction as a
submission zip.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docker

from harness.contract import Contract
from harness.errors import HarnessError
from harness.models import StageName, StageResult, Verdict
from harness.readers.predictions import UnreadablePredictionsError, read_ids, read_predictions_file
from harness.sandbox import docker as engine
from harness.sandbox.junit import TestCounts as TestCounts  # re-exported: callers import it here
from harness.sandbox.junit import read_junit
from harness.sandbox.outputs import unpack_tar

if TYPE_CHECKING:
    from harness.api_grading.run import StageClock
    from harness.model_api.sidecar import ApiAccess

PATHS = {
    "data": "/data",
    "artifacts": "/artifacts",
    "input": "/input/features.csv",
    "output": "/output/predictions.csv",
    "port": "8000",
}
WRAPPER = (
    'cp -R /submission/. /work/ && cd /work && exec timeout -k 5 "$GRADE_BACKSTOP_S" '
    'sh -c "$GRADE_COMMAND"'
)
TMPFS = {"/tmp": "size=256m,mode=1777", "/work": "size=512m,mode=1777,exec"}
ARTIFACTS_MB = 1024
OUTPUT_MB = 256
MAX_FETCH_BYTES = 200 * 1024 * 1024
BACKSTOP_MARGIN_S = 30
DEFAULT_LIMITS: Mapping[StageName, engine.Limits] = {
    "install": engine.Limits(timeout_s=600),
    "train": engine.Limits(timeout_s=900, memory_mb=2048, cpus=1.0),
    "predict": engine.Limits(timeout_s=300, memory_mb=2048, cpus=1.0),
    "test": engine.Limits(timeout_s=300, memory_mb=2048, cpus=1.0),
    "serve": engine.Limits(timeout_s=180, memory_mb=1024, cpus=1.0),
}


@dataclass(frozen=True)
class StageInputs:
    """What the stages of one submission need from the host."""

    submission: Path
    data: Path
    features: Path
    contract: Contract
    image: str
    id_column: str = "row_id"
    model_api: ApiAccess | None = None
    """The challenge's model API, for the stages that may call it (None: it gives none)."""

    def api_for(self, stage: str) -> ApiAccess | None:
        """The model API as this stage reaches it (None: not given to this stage)."""
        from harness.api_grading.run import API_STAGES

        return self.model_api if stage in API_STAGES else None

    def paths(self, stage: str, base: Mapping[str, str] = PATHS) -> dict[str, str]:
        """The placeholders of this stage's command: the paths, and the model API's."""
        access = self.api_for(stage)
        return {**base, **(access.placeholders() if access else {})}

    def api_environment(self, stage: str) -> dict[str, str]:
        """The model API's documented variables for this stage (none without one)."""
        access = self.api_for(stage)
        return access.environment() if access else {}


@dataclass(frozen=True)
class StageRun:
    """A stage's result, with what it left on the host."""

    result: StageResult
    outputs: Path | None = None
    tests: TestCounts | None = None


def not_run(reason: str) -> StageRun:
    return StageRun(StageResult(verdict="not_run", reason=reason))


def verdict_of(outcome: engine.ContainerOutcome, limits: engine.Limits) -> tuple[Verdict, str]:
    """Exactly one verdict. Exit 137 that the harness did not cause is the memory limit,
    even when the engine's OOMKilled flag is missing."""
    if outcome.output_limit:
        return "output_limit", f"printed more than {limits.max_output_bytes:,} bytes; stopped"
    if outcome.timed_out:
        return "timeout", f"still running after {limits.timeout_s:g} s; killed"
    if outcome.oom_killed or outcome.exit_code == 137:
        return "oom", f"killed at the memory limit of {limits.memory_mb} MiB"
    if outcome.exit_code != 0:
        return "failed", f"exited with code {outcome.exit_code}"
    return "ok", ""


def stage_result(outcome: engine.ContainerOutcome, verdict: Verdict, reason: str) -> StageResult:
    return StageResult(
        verdict=verdict,
        reason=reason,
        exit_code=outcome.exit_code,
        duration_s=round(outcome.duration_s, 3),
        peak_memory_mb=None if outcome.peak_memory_mb is None else round(outcome.peak_memory_mb, 1),
        log_head=outcome.log.head(),
        log_tail=outcome.log.tail(),
    )


def fill(command: str, paths: Mapping[str, str] = PATHS) -> str:
    """The candidate's command with the container (or local) paths in its placeholders."""
    return command.format(**paths)


class StageLogic:
    """What a stage means, whatever runs it: the verdicts of train, predict and test. A
    backend supplies `run` (one command under limits) and `fetch_output`."""

    inputs: StageInputs
    junit_path: str
    """Where the test stage writes its JUnit XML, as the stage's own process sees it."""
    clock: StageClock | None = None
    """Records when each stage ran, when a model API serves them (the log is told apart by
    time)."""

    @contextlib.contextmanager
    def timed(self, stage: StageName) -> Iterator[None]:
        """Record this stage's window on the model API's clock, if there is one."""
        if self.clock is None:
            yield
            return
        with self.clock.stage(stage):
            yield

    def run(self, stage: StageName, command: str, **extra: str) -> StageRun:
        raise NotImplementedError

    def fetch_output(self, stage: StageName) -> tuple[Path | None, str | None]:
        """Where the stage's /output landed on the host, or why it could not be read."""
        raise NotImplementedError

    def train(self) -> StageRun:
        return self.run("train", self.inputs.contract.commands.train)

    def predict(self) -> StageRun:
        ran = self.run("predict", self.inputs.contract.commands.predict)
        if ran.result.verdict != "ok":
            return ran
        outputs, problem = self.fetch_output("predict")
        problem = problem or _check_predictions(outputs, self.inputs)
        if problem:
            invalid = ran.result.model_copy(update={"verdict": "invalid_output", "reason": problem})
            return StageRun(invalid, outputs)
        return StageRun(ran.result, outputs)

    def test(self) -> StageRun:
        command = self.inputs.contract.commands.test
        if not command:
            return not_run("no test command in assessment.toml")
        addopts = f"--junitxml={self.junit_path} -p no:cacheprovider"
        ran = self.run("test", command, PYTEST_ADDOPTS=addopts)
        outputs, _problem = self.fetch_output("test")
        junit = outputs / "junit.xml" if outputs else None
        counts = read_junit(junit, self.inputs.submission) if junit else None
        result = ran.result
        if counts is not None:  # the trusted counts: the run table shows what code.tests reads
            reason = f"{counts.summary()}; {result.reason}".rstrip("; ")
            result = result.model_copy(update={"reason": reason})
        return StageRun(result, outputs, counts)


class StageRunner(StageLogic):
    """Runs the stages in Docker; owns the volumes and the keeper (a context manager)."""

    junit_path = "/output/junit.xml"

    def __init__(
        self,
        client: docker.DockerClient,
        inputs: StageInputs,
        limits: Mapping[StageName, engine.Limits] | None = None,
        workdir: Path | None = None,
        clock: StageClock | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.inputs = inputs
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.workdir = workdir
        run = uuid.uuid4().hex[:12]
        self.artifacts = f"grade-{run}-artifacts"
        self.output = f"grade-{run}-output"
        self.keeper: Any = None

    def __enter__(self) -> StageRunner:
        """The volumes and their keeper; interrupted or failed part-way (Ctrl-C while the
        volumes are made), whatever was made is removed before the error goes on."""
        try:
            engine.create_tmpfs_volume(self.client, self.artifacts, ARTIFACTS_MB)
            engine.create_tmpfs_volume(self.client, self.output, OUTPUT_MB)
            self.keeper = engine.start_container(self.client, self._keeper_spec())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.keeper is not None:
            engine.remove_container(self.keeper)
        engine.remove_volume(self.client, self.artifacts)
        engine.remove_volume(self.client, self.output)

    def _keeper_spec(self) -> engine.ContainerSpec:
        return engine.ContainerSpec(
            image=self.inputs.image,
            command=("sleep", "infinity"),
            limits=engine.Limits(memory_mb=64, pids=8, cpus=0.1),
            volumes=(
                engine.VolumeMount(self.artifacts, "/artifacts"),
                engine.VolumeMount(self.output, "/output"),
            ),
            role="keeper",
        )

    def spec(self, stage: StageName, command: str, **extra: Any) -> engine.ContainerSpec:
        """The container of one stage: the wrapper, its mounts, its limits."""
        limits = self.limits[stage]
        access = self.inputs.api_for(stage)
        extra = {**self.inputs.api_environment(stage), **extra}
        return engine.ContainerSpec(
            image=self.inputs.image,
            command=("sh", "-c", WRAPPER),
            limits=limits,
            mounts=(engine.Mount(self.inputs.submission, "/submission"), *self._mounts(stage)),
            volumes=self._volumes(stage),
            tmpfs=TMPFS,
            environment=environment(fill(command, self.inputs.paths(stage)), limits, **extra),
            network_mode=access.network_mode or "none" if access else "none",
            working_dir="/",  # a working_dir of /work would reset the tmpfs's mode to 0755
            role=stage,
        )

    def _mounts(self, stage: StageName) -> tuple[engine.Mount, ...]:
        if stage in ("train", "test"):
            return (engine.Mount(self.inputs.data, PATHS["data"]),)
        if stage == "predict":
            return (engine.Mount(self.inputs.features, PATHS["input"]),)
        return ()

    def _volumes(self, stage: StageName) -> tuple[engine.VolumeMount, ...]:
        artifacts = engine.VolumeMount(self.artifacts, "/artifacts", read_only=stage != "train")
        if stage in ("predict", "test"):
            return (artifacts, engine.VolumeMount(self.output, "/output"))
        return (artifacts,)

    def run(self, stage: StageName, command: str, **extra: str) -> StageRun:
        with self.timed(stage):
            outcome = engine.run_container(self.client, self.spec(stage, command, **extra))
        verdict, reason = verdict_of(outcome, self.limits[stage])
        return StageRun(stage_result(outcome, verdict, reason))

    def fetch_output(self, stage: StageName) -> tuple[Path | None, str | None]:
        """Copy /output out of the keeper into the workdir; a problem is a reason, not a crash."""
        if self.workdir is None:
            return None, None
        dest = self.workdir / f"{stage}-output"
        try:
            data = engine.read_archive(self.keeper, "/output", MAX_FETCH_BYTES)
            return unpack_tar(data, dest).root, None
        except HarnessError as err:
            return None, err.one_line()


def environment(command: str, limits: engine.Limits, **extra: str) -> dict[str, str]:
    """The whole environment of a stage: nothing from the host, documented variables only."""
    threads = str(max(1, int(limits.cpus)))
    return {
        "GRADE_COMMAND": command,
        "GRADE_BACKSTOP_S": str(int(limits.timeout_s + BACKSTOP_MARGIN_S)),
        "HOME": "/tmp",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": "/tmp",
        "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        **extra,
    }


def _check_predictions(outputs: Path | None, inputs: StageInputs) -> str | None:
    """The predictions file exists, is a CSV with the id and `prediction` columns, has one
    row per input row and only finite numbers. Other values are judged by the checks."""
    path = outputs / "predictions.csv" if outputs else None
    if path is None or not path.is_file():
        return f"wrote no predictions file at {{output}} ({PATHS['output']})"
    try:
        read = read_predictions_file(path, inputs.id_column)
    except UnreadablePredictionsError as err:
        return f"the predictions file is not a readable CSV ({err})"
    missing = [c for c in (inputs.id_column, "prediction") if c not in read.text]
    if missing:
        return f"the predictions file lacks the column(s) {', '.join(missing)}"
    expected = len(read_ids(inputs.features, inputs.id_column))
    if len(read.text) != expected:
        return f"the predictions file has {len(read.text)} rows for {expected} input rows"
    return read.non_finite_problem()


@contextlib.contextmanager
def stage_runner(
    inputs: StageInputs, workdir: Path, limits: Mapping[StageName, engine.Limits] | None = None
) -> Iterator[StageRunner]:
    """Connect, sweep what a killed harness left behind, and run stages in a clean set-up."""
    client = engine.connect_and_sweep()
    with StageRunner(client, inputs, limits, workdir) as runner:
        yield runner
