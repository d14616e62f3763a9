"""All the sandbox stages of one submission, in order, each verdict feeding the next.

install -> train -> predict, test, serve. A stage that cannot run says `not_run` and why
(an earlier stage failed, no such command). Nothing here raises for what a submission does:
only for what the harness itself lacks (no engine, no image).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import docker

from harness.api_grading.run import ModelApiRun, StageClock
from harness.models import StageName, StageResult
from harness.sandbox import docker as engine
from harness.sandbox.image import InstallOutcome, build_requirements_layer
from harness.sandbox.serve import ProbeReport, run_serve
from harness.sandbox.stages import StageInputs, StageRun, StageRunner, TestCounts, not_run

T = TypeVar("T")

Progress = Callable[[str], None]
LATER_STAGES: tuple[StageName, ...] = ("train", "predict", "test", "serve")


@dataclass(frozen=True)
class SandboxOutcome:
    """Every stage's result, with the evidence the checks read later."""

    stages: dict[StageName, StageResult]
    image: str
    predictions: Path | None
    tests: TestCounts | None
    probe: ProbeReport | None
    model_api: ModelApiRun | None = None
    """What the challenge's model API saw (None: the challenge gives none)."""


def run_all_stages(
    client: docker.DockerClient,
    inputs: StageInputs,
    limits: Mapping[StageName, engine.Limits],
    workdir: Path,
    progress: Progress,
    skip: frozenset[StageName] = frozenset(),
    model_api: Mapping[str, Any] | None = None,
) -> SandboxOutcome:
    """Install, then train, predict, test and serve in fresh containers (test and serve
    can be skipped when only the predictions are wanted); with a model API config, its
    sidecar beside them, on the runtime image (never the submission's requirements layer:
    a package's code must not run where the canaries are)."""
    progress("install: the submission's requirements")
    install, image = _install(client, inputs, progress)
    if install.verdict == "failed":
        skipped = not_run("install failed: the submission's requirements could not be installed")
        stages: dict[StageName, StageResult] = {"install": install}
        stages.update(dict.fromkeys(LATER_STAGES, skipped.result))
        return SandboxOutcome(stages, inputs.image, None, None, None)
    runtime, inputs = inputs.image, dataclasses.replace(inputs, image=image)
    if model_api is None:
        with StageRunner(client, inputs, limits, workdir) as runner:
            return _run(runner, install, progress, skip)
    with _sidecar(client, runtime, model_api) as (access, clock, served):
        inputs = dataclasses.replace(inputs, model_api=access)
        with StageRunner(client, inputs, limits, workdir, clock) as runner:
            outcome = _run(runner, install, progress, skip)
    return dataclasses.replace(outcome, model_api=served.run(model_api, clock))


@dataclass
class _Served:
    """The log once the sidecar has stopped (filled in when its context ends)."""

    log: Any = None
    output: str = ""

    def run(self, config: Mapping[str, Any], clock: StageClock) -> ModelApiRun:
        return ModelApiRun(dict(config), self.log, tuple(clock.windows), self.output)


@contextlib.contextmanager
def _sidecar(
    client: docker.DockerClient, image: str, config: Mapping[str, Any]
) -> Iterator[tuple[Any, StageClock, _Served]]:
    """The model API for the stages; its log read back once the last stage has ended."""
    from harness.model_api.sidecar import DockerSidecar

    served = _Served()
    with DockerSidecar(client, image, config) as side:
        clock = StageClock()
        yield side.access, clock, served
        stopped = side.stop()
        served.log, served.output = stopped.log, stopped.server_output


def _announced(progress: Progress, stage: str, run: Callable[[], T]) -> T:
    """Say a stage begins, then run it (a skipped stage is never announced)."""
    progress(stage)
    return run()


def _run(
    runner: StageRunner, install: StageResult, progress: Progress, skip: frozenset[StageName]
) -> SandboxOutcome:
    progress("train")
    train = runner.train()
    trained = train.result.verdict == "ok"
    why = f"train did not succeed ({train.result.verdict})"
    progress("predict")
    predict = runner.predict() if trained else not_run(why)
    skipped = not_run("skipped: only the predictions were asked for")
    test = skipped if "test" in skip else _announced(progress, "test", runner.test)
    serve = None
    if trained and "serve" not in skip:
        serve = _announced(progress, "serve", lambda: run_serve(runner))
    serve_run: StageRun = serve.run if serve else (skipped if "serve" in skip else not_run(why))
    stages: dict[StageName, StageResult] = {
        "install": install,
        "train": train.result,
        "predict": predict.result,
        "test": test.result,
        "serve": serve_run.result,
    }
    return SandboxOutcome(
        stages, runner.inputs.image, predict.outputs, test.tests, serve.probe if serve else None
    )


def _install(
    client: docker.DockerClient, inputs: StageInputs, progress: Progress
) -> tuple[StageResult, str]:
    requirements = inputs.submission / "requirements.txt"
    if not requirements.is_file():
        return StageResult(verdict="not_run", reason="no requirements.txt"), inputs.image
    outcome = build_requirements_layer(client, inputs.image, requirements, progress)
    return _install_result(outcome), outcome.tag or inputs.image


def _install_result(outcome: InstallOutcome) -> StageResult:
    if outcome.ok:
        reason = "reused the cached image" if outcome.reused else "installed"
        verdict = "ok"
    else:
        reason = "pip could not install requirements.txt (its message is in the log)"
        verdict = "failed"
    return StageResult(
        verdict=verdict,
        reason=reason,
        exit_code=0 if outcome.ok else 1,
        duration_s=round(outcome.duration_s, 3),
        log_head=outcome.log,
    )
