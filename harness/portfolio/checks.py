"""The take-home checks that apply to a repository, run as they are; the others say why not.

A repository answers no challenge and has no `assessment.toml`: the `CheckContext` it gets
holds a neutral contract (only the test command, when tests were found) and a neutral
challenge, and no trap, holdout, predictions or probe. Only the checks listed in `APPLY` run,
because they read nothing but the files, the lint run, the write-up and the test stage; every
other registered check (and any added later) becomes a `skipped` finding with the reason in
`NEEDS`, never a score from a context it was not written for.

Two adjustments, neither of a judgement. `deploy.artifacts` speaks of model files "shipped
inside the zip"; on a repository those are `portfolio.binaries`'s evidence, worded for git,
so the check sees the inventory without them and judges only the code that saves a model.
And the checks speak to a take-home ("the submission's own code", "the write-up", "the
challenge runtime"): their messages and notes (never a code excerpt) are reworded for a
repository (`REWORDED`), so the report never says what is not so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.challenges.model import Challenge
from harness.checks import REGISTRY
from harness.checks.context import CheckContext
from harness.checks.registry import RegisteredCheck
from harness.inventory import Inventory
from harness.lint import LintSummary
from harness.models import Evidence, Finding, StageName, StageResult
from harness.portfolio.suite import neutral_contract
from harness.sandbox.junit import TestCounts

APPLY = frozenset(
    {
        "code.lint",
        "code.complexity",
        "code.structure",
        "code.typing",
        "code.hygiene",
        "code.tests",
        "code.notebooks",
        "code.readable",
        "deploy.dockerfile",
        "deploy.validation",
        "deploy.artifacts",
        "deploy.operations",
        "comms.structure",
        "comms.length",
        "comms.readable",
    }
)
"""Checks that read only the files, the lint run, the write-up and the test stage."""
NEEDS: Mapping[str, str] = {
    "correctness.runs": "needs a challenge's train and predict commands run in the sandbox",
    "correctness.contract": "needs predictions made on a challenge's holdout",
    "correctness.holdout": "needs a challenge's hidden holdout to score predictions on",
    "trap.behaviour": "needs a challenge's trap and its slices",
    "trap.estimate": "needs a challenge's trap and the candidate's [estimate]",
    "trap.code": "needs a challenge's trap to look for in the code",
    "trap.writeup": "needs a challenge's trap to look for in the write-up",
    "comms.claims": "compares the write-up's scores with an [estimate] and a measured holdout",
    "deploy.serving": "judges a serve command declared to be probed; portfolio.serving reads "
    "the routes instead",
    "deploy.probe": "needs a declared serve command to start the service and probe it",
    "judgment.validation": "weighs the [estimate]'s method beside the split; a repository has "
    "no estimate",
    "judgment.assumptions": "judges a take-home write-up against an ambiguous brief; a "
    "repository answers no brief",
}
"""Why each other check does not apply to a repository."""
REWORDED: tuple[tuple[str, str], ...] = (
    ("no requirements file (the challenge runtime is used)", "no requirements file"),
    ("the submission's", "the repository's"),
    ("the submission", "the repository"),
    ("a submission", "a repository"),
    ("README.md or WRITEUP.md", "README.md"),
    ("the write-up", "the README"),
    ("The write-up", "The README"),
    ("no write-up", "no README"),
    ("a write-up", "a README"),
    ("shipped inside the zip", "committed to git"),
)
"""Take-home words in the checks' messages, and what they mean on a repository."""
TITLES: Mapping[str, str] = {
    "comms.structure": "README structure",
    "comms.length": "README length and plain language",
    "comms.readable": "What the README lost in reading",
    "code.tests": "Their tests",
}
"""A take-home check's name where a repository's words differ."""
NOT_MAPPED = "not judged on a repository: the check reads what a repository does not have"


def check_name(check_id: str) -> str:
    """A check's name for a reader of a portfolio review."""
    from harness.report.view import check_title

    return TITLES.get(check_id) or check_title(check_id)


def neutral_challenge(root: Path) -> Challenge:
    """The context's challenge: no check in `APPLY` reads it."""
    return Challenge(
        id="portfolio",
        version="1",
        title="Portfolio review (no challenge)",
        task="classification",
        target="none",
        id_column="none",
        metrics=("none",),
        folder=root,
    )


def repository_context(
    root: Path,
    inventory: Inventory,
    lint: LintSummary,
    test_stage: StageResult,
    counts: TestCounts | None,
    test_command: str | None,
) -> CheckContext:
    stages: dict[StageName, StageResult] = {"test": test_stage}
    return CheckContext(
        root=root,
        inventory=inventory,
        contract=neutral_contract(test_command),
        challenge=neutral_challenge(root),
        trap=None,
        holdout=None,
        stages=stages,
        predictions_file=None,
        tests=counts,
        probe=None,
        lint=lint,
        backend="docker" if test_stage.verdict != "not_run" else "none",
    )


def run_repository_checks(context: CheckContext) -> tuple[Finding, ...]:
    """Every registered check, by id: run when it applies, else `skipped` with why."""
    return tuple(_one(check, context) for _, check in sorted(REGISTRY.items()))


def _one(check: RegisteredCheck, context: CheckContext) -> Finding:
    if check.id not in APPLY:
        why = NEEDS.get(check.id, NOT_MAPPED)
        return Finding(
            check=check.id,
            dimension=check.dimension,
            status="skipped",
            message=f"not applicable to a repository: {why}",
            evidence=(Evidence(kind="text", excerpt=why),),
        )
    if check.id == "deploy.artifacts":
        inventory = context.inventory.model_copy(update={"model_files": ()})
        context = _with_inventory(context, inventory)
    return reworded(check.run(context))


def reworded(finding: Finding) -> Finding:
    """The finding in a repository's words: its message, and the notes of its evidence (a
    code excerpt or a log is what it is, never changed)."""
    evidence = tuple(
        item if item.kind in ("code", "log", "traceback") or item.excerpt is None
        else item.model_copy(update={"excerpt": _words(item.excerpt)})
        for item in finding.evidence
    )  # fmt: skip
    return finding.model_copy(update={"message": _words(finding.message), "evidence": evidence})


def _words(text: str) -> str:
    for take_home, repository in REWORDED:
        text = text.replace(take_home, repository)
    return text


def _with_inventory(context: CheckContext, inventory: Inventory) -> CheckContext:
    import dataclasses

    return dataclasses.replace(context, inventory=inventory)
