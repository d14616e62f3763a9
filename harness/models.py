"""The result of grading one submission: immutable, and serialised as `result.json`.

This is a public interface. Cohort tables, dashboards and applicant-tracking systems read
`result.json`, so its keys are fixed for `schema_version` "1.0": add optional fields in a
minor version, never rename or remove one. The JSON Schema generated from these models is
committed at `harness/schema/result.schema.json`; a test fails when the two differ
(regenerate with `grade schema > harness/schema/result.schema.json`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["1.0"] = "1.0"

StageName = Literal["install", "train", "predict", "test", "serve"]
STAGE_NAMES: tuple[StageName, ...] = ("install", "train", "predict", "test", "serve")

Verdict = Literal["ok", "failed", "timeout", "oom", "output_limit", "invalid_output", "not_run"]
FindingStatus = Literal["pass", "partial", "fail", "skipped", "error"]
DimensionName = Literal[
    "correctness", "code_quality", "deployment", "data_judgment", "communication"
]
DIMENSION_NAMES: tuple[DimensionName, ...] = (
    "correctness",
    "code_quality",
    "deployment",
    "data_judgment",
    "communication",
)
TrapVerdict = Literal["handled", "noticed_not_handled", "missed", "unknown"]
EvidenceKind = Literal["code", "log", "metric", "file", "text", "traceback"]
Backend = Literal["docker", "local", "none"]

Score = Field(default=None, ge=0.0, le=1.0)


FACTS: Mapping[str, str] = {
    "ran": "train and predict both ended ok",
    "predictions": "predict wrote a predictions file the harness could read",
    "holdout_measured": "the holdout metric was computed on the predictions",
    "beats_baseline": "the holdout metric is better than the trivial baseline's",
    "estimate": "assessment.toml states an [estimate] with a value",
    "dockerfile": "the submission holds a Dockerfile",
    "serve_declared": "assessment.toml declares a serve command",
    "service_started": "the service answered its health check in the probe",
    "service_answered": "the service answered the probe's valid request with a 2xx",
    "tests": "the submission holds test files",
    "notebooks": "the submission holds notebooks",
    "writeup": "the submission holds a non-empty write-up",
    "saves_model": "the submission's code saves the model it trains",
    "fits_model": "the submission's code or notebooks call something that fits or trains a model",
    "leans_in_behaviour": "the trap's slices or probes measured the model leaning on the trap",
    "optimistic_estimate": "the self-estimate was past the trap's optimism threshold",
    "leans_in_code": "the code was read as not handling the trap",
    "handled_in_code": "the code was read as handling the trap",
}
"""Every fact a question may name in `requires` or `unless`, and what it means."""


class Frozen(BaseModel):
    """Base of every result part: immutable, and unknown keys are an error."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class SubmissionInfo(Frozen):
    """Which zip was graded."""

    id: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the zip's bytes.")
    file: str = Field(description="The zip's file name as the grader gave it.")
    size_bytes: int = Field(ge=0, description="Size of the zip in bytes.")
    files: int = Field(ge=0, description="Files kept after safe unpacking.")
    candidate: str = Field(
        default="", description="Who sent it: the zip's name, or a pseudonym in blind mode."
    )


class ChallengeRef(Frozen):
    """The challenge the submission answers."""

    id: str
    version: str


class StageLimits(Frozen):
    """The limits actually applied to one sandbox stage."""

    timeout_s: float | None = Field(default=None, gt=0)
    memory_mb: int | None = Field(default=None, gt=0)
    cpus: float | None = Field(default=None, gt=0)
    pids: int | None = Field(default=None, gt=0)


class Provenance(Frozen):
    """Everything needed to reproduce, or distrust, this result."""

    harness_version: str
    created: datetime = Field(description="When grading finished, with a UTC offset.")
    backend: Backend = Field(description="Where code ran; `local` is never the grading default.")
    image_id: str | None = Field(default=None, description="Sandbox image id, if Docker ran.")
    limits: Mapping[StageName, StageLimits] = Field(default_factory=dict)
    data_hashes: Mapping[str, str] = Field(
        default_factory=dict, description="SHA-256 of each challenge data file, by name."
    )
    seeds: Mapping[str, int] = Field(default_factory=dict)


class StageResult(Frozen):
    """How one sandbox stage ended: exactly one verdict, with its measurements."""

    verdict: Verdict
    reason: str = Field(default="", description="Why, in one line (always set unless ok).")
    exit_code: int | None = None
    duration_s: float | None = Field(default=None, ge=0)
    peak_memory_mb: float | None = Field(default=None, ge=0)
    log_head: str = Field(default="", description="Start of the log, capped.")
    log_tail: str = Field(default="", description="End of the log, capped; empty if short.")


class Evidence(Frozen):
    """One piece of evidence behind a finding: a snippet, a log excerpt or a number."""

    kind: EvidenceKind
    path: str | None = Field(default=None, description="File inside the submission.")
    lines: tuple[int, int] | None = Field(default=None, description="First and last line.")
    excerpt: str | None = None
    value: float | str | None = None


class Finding(Frozen):
    """What one check concluded."""

    check: str = Field(pattern=r"^[a-z]+\.[a-z_]+$", description="Stable check id.")
    dimension: DimensionName
    status: FindingStatus
    score: float | None = Score
    message: str
    evidence: tuple[Evidence, ...] = ()


class Criterion(Frozen):
    """One rubric criterion of a dimension."""

    id: str
    title: str = Field(default="", description="What the criterion judges, in words.")
    weight: float = Field(ge=0.0)
    score: float | None = Score
    automatic: bool = Field(description="False: the interviewer must still fill it in.")
    level: str | None = Field(default=None, description="The rubric level descriptor reached.")


class DimensionScore(Frozen):
    """A dimension's score: the weighted criteria; null when none could be scored."""

    score: float | None = Score
    criteria: tuple[Criterion, ...] = ()


class TrapAssessment(Frozen):
    """Did the candidate notice the challenge's hidden data problem, and handle it."""

    verdict: TrapVerdict = "unknown"
    title: str = Field(default="", description="The trap of this challenge, in a few words.")
    summary: str = Field(default="", description="The verdict and why, in one sentence.")
    evidence: tuple[Evidence, ...] = ()


class Estimate(Frozen):
    """The score the candidate said to expect on new data, and how they measured it."""

    metric: str
    value: float
    method: str


class Metrics(Frozen):
    """Scores on the hidden holdout beside the candidate's own estimate."""

    metric: str | None = Field(default=None, description="Name of the challenge's metric.")
    holdout: float | None = None
    baseline: float | None = Field(
        default=None, description="A trivial model's score on the same rows (the prior)."
    )
    references: Mapping[str, float | None] = Field(
        default_factory=dict, description="The challenge's naive and careful references' scores."
    )
    slices: Mapping[str, float | None] = Field(default_factory=dict)
    estimate: Estimate | None = None


class AgendaItem(Frozen):
    """One timed block of the follow-up interview."""

    minutes: int = Field(gt=0)
    topic: str


class Question(Frozen):
    """A follow-up question tied to evidence from this submission."""

    question: str
    why: str
    evidence: tuple[Evidence, ...] = ()
    strong_answer: str
    weak_answer: str


class Followup(Frozen):
    """The guide for the 45-minute follow-up interview."""

    agenda: tuple[AgendaItem, ...] = ()
    questions: tuple[Question, ...] = ()


class ApiFact(Frozen):
    """One behaviour measured from the model API's request log."""

    ok: bool | None = Field(description="None: the log cannot show it (never met, not sent).")
    message: str
    measured: Mapping[str, float | int | str | None] = Field(default_factory=dict)


class StageWindow(Frozen):
    """When a stage ran, in seconds on the model API's clock (its log is told apart so)."""

    stage: str
    start_s: float
    end_s: float


class ModelApiUse(Frozen):
    """What the challenge's model API saw of the submission (only for a challenge that
    gives one): the requests, the stages' windows and the facts the `api.*` checks read."""

    requests: int = Field(ge=0, description="Requests logged, of every kind.")
    chat_requests: int = Field(ge=0)
    fault_seed: int | None = Field(default=None, description="The seed of the fault schedule.")
    windows: tuple[StageWindow, ...] = ()
    facts: Mapping[str, ApiFact] = Field(default_factory=dict)
    log_problems: tuple[str, ...] = Field(default=(), description="Log lines that were unreadable.")


def _empty_dimensions() -> dict[DimensionName, DimensionScore]:
    return {name: DimensionScore() for name in DIMENSION_NAMES}


class Result(Frozen):
    """The result of grading one submission (`result.json`)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_serialization_defaults_required=True,
        title="grade result",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    submission: SubmissionInfo
    challenge: ChallengeRef
    provenance: Provenance
    stages: Mapping[StageName, StageResult] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    dimensions: Mapping[DimensionName, DimensionScore] = Field(default_factory=_empty_dimensions)
    trap: TrapAssessment = TrapAssessment()
    metrics: Metrics = Metrics()
    facts: Mapping[str, bool] = Field(
        default_factory=dict,
        description="What the harness saw of the submission (a Dockerfile, a service that "
        "answered, ...): the only premises a follow-up question may rest on.",
    )
    followup: Followup = Followup()
    model_api: ModelApiUse | None = Field(
        default=None,
        description="The model API's log, measured; absent for a challenge without one.",
    )

    def to_json(self) -> str:
        """`result.json` text: stable key order, two-space indent, trailing newline; no
        `model_api` key for a challenge without one (such results read as before)."""
        exclude = {"model_api"} if self.model_api is None else None
        return self.model_dump_json(indent=2, exclude=exclude) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Result:
        """Read a `result.json`, validating it against the model."""
        return cls.model_validate_json(text)


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of `result.json`, as committed in `harness/schema/`."""
    schema = Result.model_json_schema(mode="serialization")
    schema["required"] = [name for name in schema.get("required", []) if name != "model_api"]
    return schema


def schema_text() -> str:
    """The schema as the exact text of the committed file."""
    return json.dumps(result_json_schema(), indent=2, sort_keys=True) + "\n"
