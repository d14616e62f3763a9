"""Items from the sandbox stages: install, train, predict, tests and serve.

A stage's verdict comes from the sandbox exactly as at grading; this module only says what
it means for the candidate and what to do about it. A stage that could not run because an
earlier one failed is `skip`, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.contract import Contract
from harness.models import StageLimits, StageName, StageResult
from harness.pipeline import SandboxReport
from harness.selfcheck.items import Item, failed, passed, skipped, warned

SLOW_SHARE = 0.5
"""A stage using more than this share of its time limit may not finish on a slower grader."""
FIXES = {
    "failed": "run the command yourself from the folder and fix the error",
    "timeout": "make it finish well within the limit",
    "oom": "use less memory (smaller models, fewer copies of the data)",
    "output_limit": "print less: log progress, not every row",
    "invalid_output": "see the predictions item",
}


def stage_items(report: SandboxReport, contract: Contract, has_requirements: bool) -> list[Item]:
    """install, train, predict, tests, serve: in the order they ran."""
    stages, local = report.stages, report.backend == "local"
    return [
        _install(stages["install"], local, has_requirements),
        _ran("train", stages["train"], report.limits, "on the public training data"),
        _ran("predict", stages["predict"], report.limits, "on the sample features"),
        _tests(stages["test"]),
        _serve(stages["serve"], contract, local),
    ]


def last_line(result: StageResult) -> str:
    """The last non-blank line the stage printed: usually the error of a traceback."""
    for log in (result.log_tail, result.log_head):
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        if lines:
            return lines[-1][:200]
    return ""


def _install(result: StageResult, local: bool, has_requirements: bool) -> Item:
    if not has_requirements:
        return passed("install", "no requirements.txt: your code runs on the challenge runtime")
    if local:
        return warned(
            "install",
            "the local backend does not install requirements.txt: it "
            "runs your commands with this Python, so `pip install -r requirements.txt` "
            "into it yourself",
        )
    if result.verdict == "ok":
        return passed("install", f"requirements.txt installed ({result.reason})")
    return failed(
        "install",
        f"pip could not install requirements.txt: {last_line(result)}; "
        "pin versions that have wheels for CPython 3.11 on Linux",
    )


def _ran(
    name: StageName, result: StageResult, limits: Mapping[StageName, StageLimits], where: str
) -> Item:
    if result.verdict == "not_run":
        return skipped(name, f"not run: {result.reason}")
    if result.verdict in ("ok", "invalid_output"):
        return _timed(name, result, limits.get(name), where)
    return _trouble(name, result)


def _timed(name: str, result: StageResult, limits: StageLimits | None, where: str) -> Item:
    took = result.duration_s or 0.0
    memory = "" if result.peak_memory_mb is None else f", peak {result.peak_memory_mb:.0f} MiB"
    limit = limits.timeout_s if limits else None
    text = f"ran {where} in {took:.1f} s" + (f" (limit {limit:g} s)" if limit else "") + memory
    if limit and took > SLOW_SHARE * limit:
        return warned(name, f"{text}: the grading machine may be slower; make it faster")
    return passed(name, text)


def _trouble(name: str, result: StageResult) -> Item:
    line = last_line(result)
    detail = f"{result.reason}" + (f": {line}" if line and result.verdict == "failed" else "")
    return failed(name, f"{detail}; {FIXES.get(result.verdict, 'fix it')}")


def _tests(result: StageResult) -> Item:
    """Failing tests do not stop grading, so they warn; graders do read the result."""
    if result.verdict == "ok":
        return passed("tests", result.reason or "passed")
    if result.verdict == "not_run":
        if "no test command" in result.reason:
            return warned(
                "tests",
                'no test command in assessment.toml: add test = "pytest -q" '
                "so graders see your tests run",
            )
        return skipped("tests", f"not run: {result.reason}")
    line = last_line(result)
    return warned(
        "tests",
        f"{result.reason}"
        + (f": {line}" if line else "")
        + "; fix the failing tests, or the command",
    )


def _serve(result: StageResult, contract: Contract, local: bool) -> Item:
    if contract.commands.serve is None:
        return passed("serve", "no serve command declared (optional)")
    if local:
        return warned(
            "serve",
            "not probed: the local backend does not start services; "
            "with Docker the self-check probes it as grading does",
        )
    if result.verdict == "not_run":
        return skipped("serve", f"not run: {result.reason}")
    if result.verdict != "ok":
        return _serve_trouble(result, contract)
    if "not refused cleanly" in result.reason:
        return warned("serve", f"{result.reason}: answer malformed requests with a 4xx")
    return passed("serve", result.reason)


def _serve_trouble(result: StageResult, contract: Contract) -> Item:
    health = contract.serve.health if contract.serve else "/health"
    if result.verdict == "timeout":
        return failed(
            "serve",
            f"{result.reason}: listen on the port given as {{port}} and "
            f"answer GET {health} with 200",
        )
    return _trouble("serve", result)
