"""Items read from the folder itself, before anything runs: the contract, the packing, lint.

The contract is checked by the grader's own `load_contract`; the packing by the grader's own
intake, on the zip the self-check would send; lint by the grader's own `lint`, beside the
files the grader's own inventory could not read; the write-up by the grader's own
`load_writeup`, with its size limit.
"""

from __future__ import annotations

from pathlib import Path

from harness.challenges.catalog import Catalog
from harness.challenges.model import Challenge
from harness.contract import COMMANDS, Contract, load_contract
from harness.errors import ContractError, HarnessError, IntakeError
from harness.intake import IntakeLimits, intake, unpack
from harness.inventory import take_inventory, unreadable_text
from harness.lint import LintSummary, lint
from harness.readers.parsing import Unreadable
from harness.readers.writeup import load_writeup, writeup_name
from harness.selfcheck.items import Item, failed, passed, warned
from harness.selfcheck.packing import PackPlan, as_is_problems, describe, size_text

CONTRACT = "assessment.toml"
BOUNDED_METRICS = frozenset(
    {"roc_auc", "balanced_accuracy", "accuracy", "f1", "precision", "recall", "pr_auc",
     "average_precision"}
)  # fmt: skip
TEMPLATE_METHOD = "how you estimated it"
LINT_WARN_PER_100 = 10.0
AS_IS = "a zip of this folder as it is"
SEND = "send the zip `grade check DIR --zip submission.zip` writes, which leaves them out"


def contract_item(folder: Path, catalog: Catalog) -> tuple[Item, Contract | None, Challenge | None]:
    """`assessment.toml` valid, and its challenge known on the search path."""
    try:
        contract = load_contract(folder)
    except ContractError as err:
        return failed(CONTRACT, err.one_line().removeprefix(f"{CONTRACT}: ")), None, None
    try:
        challenge = catalog.get(contract.challenge)
    except HarnessError as err:
        where = "pass --challenges with the folder your challenge bundle is unzipped in"
        return failed(CONTRACT, f"{err.message}: {where}"), contract, None
    notes = [*contract.warnings, *_estimate_notes(contract, challenge), *_writeup_notes(folder)]
    if notes:
        return warned(CONTRACT, "; ".join(notes)), contract, challenge
    return passed(CONTRACT, _contract_summary(contract)), contract, challenge


def packing_item(
    plan: PackPlan, zip_path: Path, dest: Path, contract_ok: bool, writing: bool
) -> tuple[Item, Path | None]:
    """Intake on the zip to send; without `--zip`, what a zip of the folder as it is holds."""
    try:
        root = intake(zip_path, dest).unpacked.root if contract_ok else unpack(zip_path, dest).root
    except (IntakeError, ContractError) as err:
        return failed("packing", f"intake would refuse the zip: {err.one_line()}"), None
    size = size_text(zip_path.stat().st_size)
    accepted = f"{len(plan.files)} files, {size} zipped; intake accepts it"
    return (_writing_item(plan, accepted) if writing else _as_is_item(plan, accepted)), root


def lint_item(root: Path) -> Item:
    """ruff over the Python of the zip to send, counted by rule family, per 100 lines; a
    file the grader cannot read is a warning naming it (grading still runs, without it)."""
    inventory = take_inventory(root)
    item = _ruff_item(lint(root, inventory.python_lines))
    if not inventory.unreadable:
        return item
    unreadable = unreadable_text(inventory.unreadable, brief=True)
    return warned("lint", f"{unreadable}: grading goes on without them; {item.message}")


def _ruff_item(summary: LintSummary) -> Item:
    if summary.error is not None:
        return warned("lint", f"lint could not run: {summary.error}")
    if summary.python_lines == 0:
        return passed("lint", "no Python files to lint")
    broken = [issue for issue in summary.issues if issue.code == "syntax"]
    if broken:
        first = broken[0]
        return warned("lint", f"{first.path}:{first.line} is not valid Python: {first.message}")
    text = _lint_text(summary)
    rate = summary.per_100_lines or 0.0
    if rate > LINT_WARN_PER_100:
        return warned("lint", f"{text}: run `ruff check .` and fix what it finds")
    return passed("lint", text)


def _writing_item(plan: PackPlan, accepted: str) -> Item:
    if plan.links:
        return warned(
            "packing",
            f"{accepted}, but symbolic links are left out: "
            f"{', '.join(plan.links[:4])}; put the files themselves there",
        )
    return passed("packing", accepted)


def _as_is_item(plan: PackPlan, accepted: str) -> Item:
    problems = as_is_problems(plan, IntakeLimits())
    if problems:
        refused = "; ".join(problems)
        return failed("packing", f"{AS_IS} would be refused: {refused}: {SEND}")
    carried = "; ".join(describe(group) for group in plan.matters())
    if carried:
        return warned("packing", f"{AS_IS} would also carry {carried}: {SEND}")
    return passed("packing", accepted)


def _contract_summary(contract: Contract) -> str:
    declared = [name for name in COMMANDS if getattr(contract.commands, name)]
    estimate = contract.estimate
    return (
        f"valid: challenge {contract.challenge}; commands {', '.join(declared)}; "
        f"[estimate] {estimate.metric} = {estimate.value:g}"
    )


def _estimate_notes(contract: Contract, challenge: Challenge) -> list[str]:
    estimate = contract.estimate
    notes = []
    if estimate.metric not in challenge.metrics:
        metrics = ", ".join(challenge.metrics)
        notes.append(
            f"[estimate] metric {estimate.metric!r} is not one of the challenge's "
            f"metrics ({metrics}): estimate one of those"
        )
    elif estimate.metric in BOUNDED_METRICS and not 0 <= estimate.value <= 1:
        notes.append(f"[estimate] value {estimate.value:g} is outside [0, 1] for {estimate.metric}")
    if estimate.method.strip() == TEMPLATE_METHOD:
        notes.append(
            "[estimate] still holds the template's placeholder: give the score you "
            "expect on new data and how you measured it"
        )
    return notes


def _writeup_notes(folder: Path) -> list[str]:
    """The grader's own reading of the write-up: missing, or cut at its size limit."""
    name = writeup_name(path.name for path in folder.iterdir() if path.is_file())
    read = load_writeup(folder / name) if name else None
    if name is None or read is None:
        return ["no README.md or WRITEUP.md at the top: the write-up is part of the submission"]
    if isinstance(read, Unreadable):
        return [f"{name} is unreadable ({read.reason})"]
    return [f"{name} is {problem}" for problem in read.problems()]


def _lint_text(summary: LintSummary) -> str:
    families = ", ".join(f"{name} {count}" for name, count in summary.by_family.items())
    found = len(summary.issues)
    noun = "finding" if found == 1 else "findings"
    text = f"{found} ruff {noun} in {summary.python_lines:,} lines of Python"
    text += f" ({summary.per_100_lines:g} per 100 lines)"
    return text + (f": {families}" if families else "")
