"""The result of reviewing one repository: immutable, written as `result.json` with
`"kind": "portfolio"`.

It is a public interface beside the take-home result (`harness/models.py`), with its own
`schema_version` "1.0" and its own JSON Schema, committed at
`harness/schema/portfolio.schema.json` (regenerate with
`.venv/bin/python -m harness.portfolio.schema > harness/schema/portfolio.schema.json`; a test
fails until the two agree). Its parts reuse the take-home result's where they mean the same:
`Evidence`, `Finding` (the take-home checks that apply to a repository), `StageResult` (the
sandboxed test run) and `Followup`. A reader tells the two kinds apart by `kind`: a take-home
result has none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from harness.models import (
    Evidence,
    Finding,
    FindingStatus,
    Followup,
    Frozen,
    StageLimits,
    StageResult,
)

PORTFOLIO_KIND: Literal["portfolio"] = "portfolio"
PORTFOLIO_SCHEMA_VERSION: Literal["1.0"] = "1.0"
AreaName = Literal["depth", "deployment", "engineering", "observability", "data"]
AREA_NAMES: tuple[AreaName, ...] = ("depth", "deployment", "engineering", "observability", "data")
AREA_LABELS: Mapping[AreaName, str] = {
    "depth": "Portfolio depth",
    "deployment": "Production deployment",
    "engineering": "Software engineering habits",
    "observability": "Monitoring and observability",
    "data": "Data pipeline ownership",
}
"""The five areas in the words reviewers use for a first screen."""
Tone = Literal["green", "red"]
Score = Field(default=None, ge=0.0, le=1.0)


class Repository(Frozen):
    """Which repository was reviewed, at which commit."""

    source: str = Field(description="The path or URL as given, without any credential.")
    name: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$", description="The commit reviewed (HEAD).")
    branch: str | None = Field(default=None, description="The default branch cloned.")
    committed: datetime | None = Field(default=None, description="When HEAD was committed.")


class SkippedFile(Frozen):
    """A file of the tree the harness did not write to its checkout, and why."""

    path: str
    reason: str
    size_bytes: int | None = None


class Link(Frozen):
    """A symbolic link in the tree: recorded, never created or followed."""

    path: str
    target: str
    escapes: bool = Field(description="The target is absolute or leads out of the tree.")


class Submodule(Frozen):
    """A submodule the tree names: recorded, never fetched."""

    path: str
    url: str = Field(default="", description="From .gitmodules, without any credential.")


class Checkout(Frozen):
    """What of HEAD's tree was read: written by the harness, within limits."""

    entries: int = Field(ge=0, description="Entries listed in HEAD's tree (files, links, ...).")
    listing_cut: bool = Field(description="The tree had more entries than the listing reads.")
    files: int = Field(ge=0, description="Regular files written to the checkout.")
    bytes: int = Field(ge=0, description="Their total size.")
    links: tuple[Link, ...] = ()
    submodules: tuple[Submodule, ...] = ()
    large: tuple[SkippedFile, ...] = Field(
        default=(), description="Files over the size limit: listed with their size, not read."
    )
    skipped: tuple[SkippedFile, ...] = Field(
        default=(), description="Files left out for another reason (names, vendored folders)."
    )
    declared: tuple[str, ...] = Field(
        default=(),
        description="Globs the repository declares not its own code (.gitattributes "
        "linguist-vendored/-generated/-documentation, its ruff excludes): listed, not judged.",
    )
    declared_by: tuple[str, ...] = Field(default=(), description="Where those globs come from.")
    declared_files: int = Field(default=0, ge=0, description="Files of the tree they cover.")


class Language(Frozen):
    """Lines of one language in the checkout (notebooks: their code cells)."""

    name: str
    files: int = Field(ge=0)
    lines: int = Field(ge=0)
    kind: Literal["code", "notebook", "markup", "config"]


class History(Frozen):
    """What git's history shows, read with bounds; dates can be forged, so it weighs little."""

    commits: int = Field(ge=0, description="Commits reachable from HEAD (counted, not read).")
    commits_read: int = Field(ge=0, description="The newest commits read (at most the bound).")
    first: datetime | None = Field(default=None, description="The root commit's author date.")
    last: datetime | None = Field(default=None, description="HEAD's author date.")
    span_days: int | None = Field(default=None, ge=0)
    active_weeks: int = Field(ge=0, description="Distinct weeks with a commit, among those read.")
    after_first_month: int = Field(
        ge=0, description="Commits read dated more than 30 days after the first commit."
    )
    authors: int = Field(ge=0, description="Distinct author e-mails among the commits read.")
    top_author_share: float | None = Score
    first_commit_share: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Share of today's code lines unchanged since the first commit.",
    )
    notes: tuple[str, ...] = Field(
        default=(), description="What limits the reading: bounds, dates that look forged."
    )


class Signal(Frozen):
    """One piece of portfolio evidence, judged: what a reviewer looks for in a repository."""

    id: str = Field(pattern=r"^portfolio\.[a-z_]+$", description="Stable signal id.")
    area: AreaName
    title: str
    status: FindingStatus
    score: float | None = Score
    state: str = Field(
        pattern=r"^[a-z_]+$",
        description="What was found, as a word the question bank keys on (`none`, ...).",
    )
    message: str = Field(description="What was found, in one sentence a flag can show.")
    evidence: tuple[Evidence, ...] = ()


class AreaPart(Frozen):
    """A signal or a take-home check counted in an area's score."""

    id: str
    weight: float = Field(gt=0)
    score: float | None = Score


class AreaScore(Frozen):
    """An area's score: the weighted mean of its parts that could be scored."""

    score: float | None = Score
    parts: tuple[AreaPart, ...] = ()


class Flag(Frozen):
    """A green or red flag, one line, tied to the signal or check it comes from."""

    tone: Tone
    area: AreaName
    text: str
    source: str = Field(description="The signal or check id whose evidence backs it.")


class SuiteRun(Frozen):
    """The repository's pytest tests, run in the sandbox with no network."""

    command: str = Field(default="", description="The command run, when tests were found.")
    requirements: str = Field(
        default="", description="What was installed: requirements.txt, pyproject.toml or none."
    )
    install: StageResult | None = None
    stage: StageResult
    tests: int | None = Field(default=None, description="Trusted JUnit counts (None: no report).")
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    claimed: int | None = Field(default=None, description="What the JUnit report claimed beyond.")


class PortfolioProvenance(Frozen):
    """What produced this review."""

    harness_version: str
    created: datetime = Field(description="When the review finished, with a UTC offset.")
    backend: Literal["docker", "none"] = Field(description="Where the tests ran, if they did.")
    image_id: str | None = None
    limits: Mapping[str, StageLimits] = Field(default_factory=dict)
    bounds: Mapping[str, int] = Field(
        default_factory=dict, description="The bounds of the reading (commits, files, bytes)."
    )


class PortfolioResult(Frozen):
    """The review of one repository (`result.json` with `"kind": "portfolio"`)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_serialization_defaults_required=True,
        title="grade portfolio review",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    kind: Literal["portfolio"] = PORTFOLIO_KIND
    schema_version: Literal["1.0"] = PORTFOLIO_SCHEMA_VERSION
    repository: Repository
    provenance: PortfolioProvenance
    checkout: Checkout
    languages: tuple[Language, ...] = ()
    history: History
    tests: SuiteRun
    signals: tuple[Signal, ...] = ()
    findings: tuple[Finding, ...] = Field(
        default=(),
        description="The take-home checks: those that apply to a repository, and the others "
        "as `skipped` with why.",
    )
    areas: Mapping[AreaName, AreaScore] = Field(default_factory=dict)
    flags: tuple[Flag, ...] = ()
    facts: Mapping[str, bool] = Field(
        default_factory=dict,
        description="What the review saw (a README, a Dockerfile, tests, routes, ...): the "
        "only premises a follow-up question may rest on (harness/portfolio/facts.py).",
    )
    followup: Followup = Followup()

    def to_json(self) -> str:
        """`result.json` text: stable key order, two-space indent, trailing newline."""
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> PortfolioResult:
        return cls.model_validate_json(text)

    @property
    def total(self) -> float | None:
        """The mean of the areas that could be scored (areas are not weighted)."""
        scores = [area.score for area in self.areas.values() if area.score is not None]
        return round(sum(scores) / len(scores), 4) if scores else None


def portfolio_json_schema() -> dict[str, Any]:
    return PortfolioResult.model_json_schema(mode="serialization")


def portfolio_schema_text() -> str:
    """The schema as the exact text of the committed file."""
    return json.dumps(portfolio_json_schema(), indent=2, sort_keys=True) + "\n"


def is_portfolio_json(data: object) -> bool:
    """Whether parsed `result.json` data is a portfolio review (by its `kind`)."""
    return isinstance(data, dict) and data.get("kind") == PORTFOLIO_KIND
