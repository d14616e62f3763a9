"""The result object: its committed JSON Schema, validation, immutability, round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from harness import __version__
from harness.models import (
    DIMENSION_NAMES,
    STAGE_NAMES,
    ChallengeRef,
    Evidence,
    Finding,
    Provenance,
    Result,
    StageResult,
    SubmissionInfo,
    result_json_schema,
    schema_text,
)

SCHEMA_FILE = Path(__file__).parents[1] / "harness" / "schema" / "result.schema.json"
FIXED_KEYS = {
    "schema_version", "submission", "challenge", "provenance", "stages", "findings",
    "dimensions", "trap", "metrics", "facts", "followup",
}  # fmt: skip
OPTIONAL_KEYS = {"model_api"}
"""Added in a minor version: absent from a result that has nothing to say there."""


def a_result(**changes: object) -> Result:
    base = Result(
        submission=SubmissionInfo(id="a" * 64, file="s.zip", size_bytes=10, files=3),
        challenge=ChallengeRef(id="customer-churn", version="1"),
        provenance=Provenance(
            harness_version=__version__,
            created=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
            backend="docker",
        ),
        stages={"train": StageResult(verdict="ok", exit_code=0, duration_s=1.5)},
        findings=(
            Finding(
                check="code.lint",
                dimension="code_quality",
                status="partial",
                score=0.5,
                message="12 ruff findings per 100 lines",
                evidence=(Evidence(kind="code", path="train.py", lines=(3, 9), excerpt="x"),),
            ),
        ),
    )
    return base.model_copy(update=changes)


def test_the_committed_schema_matches_the_model() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "result.json's schema changed: if that is intended, run "
        "`grade schema > harness/schema/result.schema.json` and bump schema_version"
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(result_json_schema())


def test_the_fixed_keys_are_there_and_required() -> None:
    schema = result_json_schema()
    assert set(schema["properties"]) == FIXED_KEYS | OPTIONAL_KEYS
    assert set(schema["required"]) == FIXED_KEYS
    assert schema["properties"]["schema_version"]["const"] == "1.0"


def test_a_result_validates_against_the_committed_schema() -> None:
    document = json.loads(a_result().to_json())
    jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))
    assert set(document["dimensions"]) == set(DIMENSION_NAMES)
    assert document["trap"]["verdict"] == "unknown"


def test_a_result_is_immutable() -> None:
    result = a_result()
    with pytest.raises(ValidationError):
        result.schema_version = "2.0"  # type: ignore[misc, assignment]
    with pytest.raises(ValidationError):
        result.findings[0].score = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    [
        {"check": "Lint"},
        {"check": "code.lint.extra"},
        {"score": 1.5},
        {"status": "great"},
        {"dimension": "vibes"},
    ],
)
def test_a_malformed_finding_is_refused(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "check": "code.lint",
        "dimension": "code_quality",
        "status": "pass",
        "message": "ok",
    }
    with pytest.raises(ValidationError):
        Finding.model_validate(fields | bad)


def test_unknown_keys_and_stages_are_refused() -> None:
    document = json.loads(a_result().to_json())
    with pytest.raises(ValidationError):
        Result.model_validate(document | {"hire": True})
    document["stages"] = {"deploy": {"verdict": "ok"}}
    with pytest.raises(ValidationError):
        Result.model_validate(document)


EVIDENCE = st.builds(
    Evidence,
    kind=st.sampled_from(["code", "log", "metric", "file", "text", "traceback"]),
    path=st.none() | st.text(max_size=20),
    lines=st.none() | st.tuples(st.integers(1, 500), st.integers(1, 500)),
    excerpt=st.none() | st.text(max_size=50),
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
)
FINDINGS = st.builds(
    Finding,
    check=st.from_regex(r"^[a-z]{1,8}\.[a-z_]{1,12}$", fullmatch=True),
    dimension=st.sampled_from(DIMENSION_NAMES),
    status=st.sampled_from(["pass", "partial", "fail", "skipped", "error"]),
    score=st.none() | st.floats(0, 1),
    message=st.text(max_size=40),
    evidence=st.lists(EVIDENCE, max_size=3).map(tuple),
)
STAGES = st.dictionaries(
    st.sampled_from(STAGE_NAMES),
    st.builds(
        StageResult,
        verdict=st.sampled_from(["ok", "failed", "timeout", "oom", "not_run"]),
        exit_code=st.none() | st.integers(-255, 255),
        log_head=st.text(max_size=40),
    ),
)


@settings(max_examples=100, deadline=None)
@given(findings=st.lists(FINDINGS, max_size=5).map(tuple), stages=STAGES)
def test_results_round_trip_through_json(
    findings: tuple[Finding, ...], stages: dict[str, StageResult]
) -> None:
    result = a_result(findings=findings, stages=stages)
    again = Result.from_json(result.to_json())
    assert again == result
    assert again.to_json() == result.to_json()
