"""Deployment checks: the references, data-driven cases, and the Dockerfile reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.checks.deployment import Instruction, parse_dockerfile, writeup_sentences
from harness.checks.registry import REGISTRY
from harness.models import Finding, StageResult
from harness.sandbox.serve import ProbeReport
from tests.checks.cases import (
    CHALLENGES,
    GOOD_PROBE,
    Case,
    assert_case,
    case_context,
    cases,
    reference_context,
    write_submission,
)
from tests.checks.contexts import OK_STAGES, make_context

IDS = ("deploy.dockerfile", "deploy.serving", "deploy.probe", "deploy.validation",
       "deploy.artifacts", "deploy.operations")  # fmt: skip
SERVE_CONTRACT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python train.py --data {data} --out {artifacts}"
predict = "python predict.py --model {artifacts} --input {input} --output {output}"
serve   = "python serve.py --model {artifacts} --port {port}"

[serve]
health  = "/health"
predict = "/predict"

[estimate]
metric = "roc_auc"
value  = 0.8
method = "5-fold stratified cross-validation"
"""


def test_every_check_is_registered_with_its_documentation() -> None:
    for check_id in IDS:
        registered = REGISTRY[check_id]
        assert registered.dimension == "deployment"
        assert "Why it matters" in registered.doc and "Evidence" in registered.doc


@pytest.mark.parametrize("case", cases("deploy."), ids=lambda case: case.name)
def test_case(case: Case, tmp_path: Path) -> None:
    assert_case(case, REGISTRY[case.check].run(case_context(case, tmp_path)))


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_the_careful_reference_scores_higher_than_the_naive(challenge: str) -> None:
    careful = {i: REGISTRY[i].run(reference_context(challenge, "careful")) for i in IDS}
    naive = {i: REGISTRY[i].run(reference_context(challenge, "naive")) for i in IDS}
    for check_id in IDS:
        assert careful[check_id].evidence and naive[check_id].evidence, check_id
        assert careful[check_id].status == "pass", (check_id, careful[check_id].message)
        ahead, behind = careful[check_id].score, naive[check_id].score
        if behind is not None:
            assert ahead is not None and ahead > behind, check_id
    assert naive["deploy.probe"].status == "skipped"  # the naive ones declare no service
    assert _mean(careful) > _mean(naive) + 0.4


def _mean(findings: dict[str, Finding]) -> float:
    scores = [f.score for f in findings.values() if f.score is not None]
    return sum(scores) / len(scores)


# --- the Dockerfile -------------------------------------------------------------------------


def test_dockerfile_instructions_join_continuations_and_drop_comments() -> None:
    text = "# a comment\nFROM python:3.11-slim AS base\nRUN pip install \\\n    -r req.txt\n"
    assert parse_dockerfile(text) == [
        Instruction("FROM", "python:3.11-slim AS base", 2),
        Instruction("RUN", "pip install -r req.txt", 3),
    ]


@pytest.mark.parametrize(
    ("base", "pinned"),
    [("python:3.11.9-slim", True), ("python:3.11-slim", True), ("python@sha256:ab12", True),
     ("python", False), ("python:latest", False), ("registry:5000/team/python", False),
     ("registry:5000/team/python:3.11", True), ("python:slim", False)],
)  # fmt: skip
def test_a_base_image_is_pinned_by_a_version_tag_or_a_digest(
    base: str, pinned: bool, tmp_path: Path
) -> None:
    write_submission(tmp_path, {"Dockerfile": f"FROM {base}\n"})
    found = REGISTRY["deploy.dockerfile"].run(make_context(tmp_path))
    assert ("pinned base image" not in found.message) is pinned, found.message


def test_a_root_user_after_a_non_root_one_counts_as_root(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.11-slim\nUSER app\nRUN echo\nUSER root\nCMD python serve.py\n"
    write_submission(tmp_path, {"Dockerfile": dockerfile})
    found = REGISTRY["deploy.dockerfile"].run(make_context(tmp_path))
    assert "non-root USER" in found.message


# --- serving and the probe ------------------------------------------------------------------


def run(check_id: str, root: Path, **overrides: Any) -> Finding:
    return REGISTRY[check_id].run(make_context(root, **overrides))


def test_a_healthy_well_behaved_service_scores_full(tmp_path: Path) -> None:
    write_submission(tmp_path, {"assessment.toml": SERVE_CONTRACT})
    found = run("deploy.probe", tmp_path, probe=ProbeReport(1.5, GOOD_PROBE))
    assert found.score == 1.0 and found.status == "pass"
    values = {e.excerpt: e.value for e in found.evidence if e.kind == "metric"}
    assert values["p95 latency in ms"] == 14.0
    assert any(e.kind == "log" for e in found.evidence)


def test_a_service_that_dies_during_the_probe_loses_its_alive_share(tmp_path: Path) -> None:
    write_submission(tmp_path, {"assessment.toml": SERVE_CONTRACT})
    report = {**GOOD_PROBE, "alive_after": False}
    found = run("deploy.probe", tmp_path, probe=ProbeReport(1.5, report))
    assert found.score == 0.85 and "stopped answering" in found.message


def test_serve_not_run_is_skipped_with_the_reason(tmp_path: Path) -> None:
    write_submission(tmp_path, {"assessment.toml": SERVE_CONTRACT})
    stages = {**OK_STAGES, "serve": StageResult(verdict="not_run", reason="train failed")}
    found = run("deploy.probe", tmp_path, stages=stages)
    assert found.status == "skipped" and "train failed" in found.message


def test_a_serve_command_without_a_known_framework(tmp_path: Path) -> None:
    write_submission(tmp_path, {"assessment.toml": SERVE_CONTRACT, "serve.py": "import http\n"})
    found = run("deploy.serving", tmp_path)
    assert found.score == 0.75
    assert any("serve.py --model" in (e.excerpt or "") for e in found.evidence)


# --- validation, artefacts, operations ------------------------------------------------------


def test_a_pydantic_schema_and_a_refusing_service(tmp_path: Path) -> None:
    serve = "from pydantic import BaseModel\n\n\nclass Row(BaseModel):\n    tenure: float\n"
    write_submission(tmp_path, {"serve.py": serve, "assessment.toml": SERVE_CONTRACT})
    found = run("deploy.validation", tmp_path, probe=ProbeReport(1.5, GOOD_PROBE))
    assert found.score == 1.0  # a schema, and every malformed request refused with a 4xx
    assert any(e.excerpt == "class Row(BaseModel):" for e in found.evidence)


def test_versions_and_metadata_beside_the_model(tmp_path: Path) -> None:
    train = (
        "import json\nimport joblib\nimport sklearn\n\n\n"
        "def save(model: object) -> None:\n"
        '    joblib.dump(model, "model.joblib")\n'
        '    meta = {"sklearn": sklearn.__version__}\n'
        '    json.dump(meta, open("metadata.json", "w"))\n'
    )
    write_submission(tmp_path, {"train.py": train})
    found = run("deploy.artifacts", tmp_path)
    assert found.score == 1.0 and "with versions and metadata" in found.message


def test_operations_quotes_the_sentences_it_found(tmp_path: Path) -> None:
    readme = (
        "# Churn\n\n## Deployment\n\n"
        "- **Monitoring**: we alert when the weekly churn rate of flagged customers drops.\n"
        "- We roll back by pointing the service at the previous model folder.\n"
    )
    write_submission(tmp_path, {"README.md": readme})
    found = run("deploy.operations", tmp_path)
    excerpts = [e.excerpt or "" for e in found.evidence]
    assert any(text.startswith("monitoring: Monitoring: we alert") for text in excerpts)
    assert any(text.startswith("rollback: We roll back") for text in excerpts)
    assert found.message == "covers serving, monitoring, rollback; not drift, logging"


def test_writeup_sentences_leave_code_blocks_out(tmp_path: Path) -> None:
    readme = "Intro line one\ncontinues here. Second one.\n\n```\ndocker run x\n```\n- item\n"
    write_submission(tmp_path, {"README.md": readme})
    sentences = writeup_sentences(make_context(tmp_path))
    assert sentences == ["Intro line one continues here.", "Second one.", "item"]


def test_a_build_argument_passed_on_is_not_a_secret(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.11-slim\nARG API_KEY\nENV API_KEY=${API_KEY}\nCMD python s.py\n"
    write_submission(tmp_path, {"Dockerfile": dockerfile})
    found = REGISTRY["deploy.dockerfile"].run(make_context(tmp_path))
    assert "secrets" not in found.message
