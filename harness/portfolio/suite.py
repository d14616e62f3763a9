"""The repository's own pytest tests, run the way a submission's `test` stage runs.

Only in the sandbox (a fresh hardened container, no network, read-only root, the checkout
copied to a tmpfs), within the `test` stage's limits (`--limit test.timeout=...`), with the
repository's requirements installed as a submission's are: a cached image layer keyed by their
hash, built with no network from wheels the host downloads. A repository without a
`requirements.txt` has the `[project]` dependencies of its `pyproject.toml` (and the extras
named test, tests, testing or dev) installed instead. The counts are the trusted JUnit counts,
never what pytest printed. When the tests cannot run here (no engine, no image, `--no-tests`)
the stage says `not_run` and why: the review goes on without their outcome.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from harness.contract import Commands, Contract
from harness.errors import SandboxError
from harness.inventory import Inventory
from harness.models import Estimate, StageLimits, StageResult
from harness.portfolio.model import SuiteRun
from harness.sandbox.docker import Limits
from harness.sandbox.junit import TestCounts

TEST_COMMAND = "PYTHONPATH=/work/src:/work python -m pytest -q"
"""pytest from the top of the checkout; `src/` and the top on the path, as an editable
install would put them. The stage adds `--junitxml` for the trusted counts."""
TEST_EXTRAS = ("test", "tests", "testing", "dev")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class SuiteOptions:
    run: bool = True
    limits: Mapping[str, Limits] | None = None
    """The `test` stage's limits (defaults, with `--limit test.*` applied)."""


@dataclass(frozen=True)
class SuiteOutcome:
    run: SuiteRun
    counts: TestCounts | None
    image: str | None
    limits: Mapping[str, StageLimits]


def neutral_contract(test_command: str | None) -> Contract:
    """A repository has no `assessment.toml`: the contract the stages and the reused checks
    read holds only the test command (train and predict are never run)."""
    return Contract(
        challenge="portfolio",
        commands=Commands(train="", predict="", test=test_command),
        estimate=Estimate(metric="", value=0.0, method=""),
    )


def run_suite(
    root: Path, inventory: Inventory, options: SuiteOptions, workdir: Path, progress: Progress
) -> SuiteOutcome:
    """Run the tests found, or say why they were not run."""
    limits = (options.limits or {}).get("test") or _default_limits()
    recorded = {"test": _recorded(limits)}
    if not inventory.test_files:
        return _not_run("no pytest tests (test_*.py, *_test.py) in the repository", "", recorded)
    if not options.run:
        return _not_run("--no-tests was given", TEST_COMMAND, recorded)
    requirements, source = requirements_file(root, workdir)
    try:
        return _in_sandbox(root, requirements, source, limits, workdir, progress)
    except SandboxError as err:
        why = f"the sandbox could not run them: {err.one_line()}"
        return _not_run(why, TEST_COMMAND, recorded, source)


def _default_limits() -> Limits:
    from harness.sandbox.stages import DEFAULT_LIMITS

    return DEFAULT_LIMITS["test"]


def _recorded(limits: Limits) -> StageLimits:
    return StageLimits(
        timeout_s=limits.timeout_s, memory_mb=limits.memory_mb, cpus=limits.cpus, pids=limits.pids
    )


def _not_run(
    reason: str, command: str, limits: Mapping[str, StageLimits], source: str = ""
) -> SuiteOutcome:
    stage = StageResult(verdict="not_run", reason=reason)
    return SuiteOutcome(
        SuiteRun(command=command, requirements=source, stage=stage), None, None, limits
    )


def requirements_file(root: Path, workdir: Path) -> tuple[Path | None, str]:
    """What to install, and where it came from: `requirements.txt` at the top, else the
    dependencies `pyproject.toml` declares, written to a file of the harness's."""
    top = root / "requirements.txt"
    if top.is_file():
        return top, "requirements.txt"
    declared = pyproject_requirements(root / "pyproject.toml")
    if not declared:
        return None, "none (no requirements.txt; no [project] dependencies in pyproject.toml)"
    derived = workdir / "pyproject-requirements" / "requirements.txt"
    derived.parent.mkdir(parents=True, exist_ok=True)
    derived.write_text("".join(f"{line}\n" for line in declared), encoding="utf-8")
    return derived, "pyproject.toml ([project] dependencies and test extras)"


def pyproject_requirements(path: Path) -> list[str]:
    """The `[project]` dependencies and test extras of a pyproject.toml, as plain
    requirements by name (anything else, or a file that is not TOML, gives none)."""
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    if not isinstance(project, dict):
        return []
    extras = project.get("optional-dependencies", {})
    wanted: list[object] = list(project.get("dependencies", []) or [])
    if isinstance(extras, dict):
        wanted += [item for name in TEST_EXTRAS for item in extras.get(name, []) or []]
    own = str(project.get("name", "")).lower()
    return list(dict.fromkeys(r for item in wanted if (r := _plain(item, own)) is not None))


def _plain(item: object, own: str) -> str | None:
    if not isinstance(item, str):
        return None
    try:
        requirement = Requirement(item)
    except InvalidRequirement:
        return None
    if requirement.url or requirement.name.lower() == own:
        return None
    return str(requirement)


def _in_sandbox(
    root: Path,
    requirements: Path | None,
    source: str,
    limits: Limits,
    workdir: Path,
    progress: Progress,
) -> SuiteOutcome:
    from harness.sandbox import docker as engine
    from harness.sandbox import image
    from harness.sandbox.stages import StageInputs, StageRunner

    client = engine.connect_and_sweep()
    runtime = image.runtime_tag(client)
    if engine.find_image(client, runtime) is None:
        raise SandboxError(
            f"the runtime image {runtime} is not built", hint="run `grade sandbox build`"
        )
    install, tag = _install(client, runtime, requirements, source, progress)
    recorded = {"test": _recorded(limits)}
    if install is not None and install.verdict == "failed":
        stage = StageResult(
            verdict="not_run",
            reason="install failed: the requirements could "
            "not be installed (pip's message is in the install log)",
        )
        run = SuiteRun(command=TEST_COMMAND, requirements=source, install=install, stage=stage)
        return SuiteOutcome(run, None, tag, recorded)
    (workdir / "no-data").mkdir(exist_ok=True)
    (workdir / "no-features.csv").touch()
    inputs = StageInputs(
        root, workdir / "no-data", workdir / "no-features.csv", neutral_contract(TEST_COMMAND), tag
    )
    progress("tests: pytest in the sandbox, no network")
    with StageRunner(client, inputs, {"test": limits}, workdir) as runner:
        ran = runner.test()
    return SuiteOutcome(
        _suite_run(source, install, ran.result, ran.tests), ran.tests, tag, recorded
    )


def _install(
    client: object, runtime: str, requirements: Path | None, source: str, progress: Progress
) -> tuple[StageResult | None, str]:
    from harness.sandbox.image import build_requirements_layer

    if requirements is None:
        return None, runtime
    progress(f"tests: installing from {source}, as a cached image layer")
    outcome = build_requirements_layer(client, runtime, requirements, progress)
    verdict = "ok" if outcome.ok else "failed"
    reason = (
        ("reused the cached image" if outcome.reused else "installed")
        if outcome.ok
        else ("pip could not install the requirements (its message is in the log)")
    )
    result = StageResult(
        verdict=verdict,
        reason=reason,
        exit_code=0 if outcome.ok else 1,
        duration_s=round(outcome.duration_s, 3),
        log_head=outcome.log,
    )
    return result, outcome.tag or runtime


def _suite_run(
    source: str, install: StageResult | None, stage: StageResult, counts: TestCounts | None
) -> SuiteRun:
    if counts is None:
        return SuiteRun(command=TEST_COMMAND, requirements=source, install=install, stage=stage)
    return SuiteRun(
        command=TEST_COMMAND,
        requirements=source,
        install=install,
        stage=stage,
        tests=counts.tests,
        passed=counts.passed,
        failed=counts.failures + counts.errors,
        skipped=counts.skipped,
        claimed=counts.claimed,
    )
