"""Data-driven check cases: one folder per case, holding `case.toml`.

`case.toml` names the check, what its finding must look like, and the submission's files
inline (under `[files]`; a real `.py` here would be linted and type-checked as the
project's own code). The submission gets a default `assessment.toml` unless the case gives
one. Adding a case is adding a folder.

    check = "code.hygiene"
    status = "fail"                 # optional
    score = [0.0, 0.35]             # optional: lowest and highest allowed
    message = "1 secret"            # optional: a part of the message
    evidence = "secret:"            # optional: a part of some evidence's excerpt
    absent = "abcdefgh"             # optional: must appear nowhere in the finding
    holdout_score = 0.62            # optional: what the harness measured
    tests = [3, 0, 0, 0]            # optional: JUnit tests, failures, errors, skipped
    probe = { ... }                 # optional: the probe's raw report
    stages = { serve = { verdict = "failed", reason = "..." } }   # optional

    [files]
    "config.py" = '''API_KEY = "..."'''
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.challenges.catalog import load_catalog
from harness.checks.context import CheckContext
from harness.contract import load_contract
from harness.inventory import take_inventory
from harness.models import Finding, StageResult
from harness.sandbox.serve import ProbeReport
from harness.sandbox.stages import TestCounts
from tests.checks.contexts import OK_STAGES, make_context

CASES = Path(__file__).parent
DEFAULT_CONTRACT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python train.py --data {data} --out {artifacts}"
predict = "python predict.py --model {artifacts} --input {input} --output {output}"

[estimate]
metric = "roc_auc"
value  = 0.8
method = "5-fold stratified cross-validation"
"""


@dataclass(frozen=True)
class Case:
    """One case: its folder's name and what `case.toml` says."""

    name: str
    spec: dict[str, Any]

    @property
    def check(self) -> str:
        return str(self.spec["check"])


def cases(prefix: str) -> list[Case]:
    """Every case whose check id starts with `prefix` (`code.`, `deploy.`, `comms.`)."""
    found = [
        Case(folder.name, tomllib.loads((folder / "case.toml").read_text(encoding="utf-8")))
        for folder in sorted(CASES.iterdir())
        if (folder / "case.toml").is_file()
    ]
    return [case for case in found if case.check.startswith(prefix)]


def write_submission(root: Path, files: dict[str, str]) -> Path:
    """A submission folder with these files (and a default contract unless one is given)."""
    for relative, text in {"assessment.toml": DEFAULT_CONTRACT, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def case_context(case: Case, root: Path) -> CheckContext:
    """The context of the case's submission, written under `root`."""
    spec = case.spec
    write_submission(root, dict(spec.get("files", {})))
    overrides: dict[str, Any] = {"with_lint": case.check == "code.lint"}
    if "tests" in spec:
        overrides["tests"] = TestCounts(*spec["tests"])
    if "probe" in spec:
        overrides["probe"] = ProbeReport(spec["probe"].get("time_to_healthy_s"), spec["probe"])
    if "stages" in spec:
        stages = {name: StageResult(**value) for name, value in spec["stages"].items()}
        overrides["stages"] = {**OK_STAGES, **stages}
    context = make_context(root, **overrides)
    if "holdout_score" in spec:
        context.__dict__["holdout_score"] = float(spec["holdout_score"])  # the cached property
    return context


def assert_case(case: Case, finding: Finding) -> None:
    """The finding looks the way the case says."""
    spec = case.spec
    said = f"{case.name}: {finding.status} {finding.score} {finding.message!r}"
    assert finding.evidence, f"{said}: no evidence"
    if "status" in spec:
        assert finding.status == spec["status"], said
    if "score" in spec:
        low, high = spec["score"]
        assert finding.score is not None and low <= finding.score <= high, said
    if "message" in spec:
        assert spec["message"] in finding.message, said
    excerpts = [f"{e.excerpt or ''} {e.value or ''}" for e in finding.evidence]
    if "evidence" in spec:
        assert any(spec["evidence"] in text for text in excerpts), f"{said}: {excerpts}"
    if "absent" in spec:
        assert spec["absent"] not in finding.model_dump_json(), f"{said}: leaks {spec['absent']}"


GOOD_PROBE: dict[str, Any] = {
    "time_to_healthy_s": 1.5,
    "valid": {"status": 200},
    "malformed": {name: {"status": 422} for name in
                  ("not_json", "empty_object", "wrong_types", "missing_fields")},
    "latency_ms": {"p50": 6.0, "p95": 14.0},
    "alive_after": True,
}  # fmt: skip
"""What the probe reports for a service that does everything right."""
CHALLENGES = ("customer-churn", "equipment-resale", "pump-failure")


@functools.cache
def reference_context(challenge_id: str, kind: str) -> CheckContext:
    """A challenge's reference as graded after a clean run: its tests all pass, its service
    (if it declares one) answers well, and its recorded holdout score, where there is one."""
    root = load_catalog().get(challenge_id).reference(kind)
    commands = load_contract(root).commands
    overrides: dict[str, Any] = {"with_lint": True}
    if commands.test:
        overrides["tests"] = TestCounts(take_inventory(root).test_functions, 0, 0, 0)
    if commands.serve:
        overrides["probe"] = ProbeReport(GOOD_PROBE["time_to_healthy_s"], GOOD_PROBE)
    context = make_context(root, **overrides)
    recorded = _recorded_scores(root.parent).get(kind)
    if isinstance(recorded, float):
        context.__dict__["holdout_score"] = recorded
    return context


def _recorded_scores(references: Path) -> dict[str, Any]:
    scores = references / "scores.toml"
    return tomllib.loads(scores.read_text(encoding="utf-8")) if scores.is_file() else {}
