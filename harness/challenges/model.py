"""A challenge as its files describe it: `challenge.toml` (public) and `private/trap.toml`.

`challenge.toml` holds only what a candidate may see: id, version, title, task kind, target,
id column, metrics, resource limits and the runtime. The trap, its thresholds and the
holdout live under `private/`, which never leaves the hiring team's folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, Field, ValidationError, field_validator

from harness.errors import HarnessError
from harness.models import Frozen
from harness.sandbox.limits import parse_overrides

CHALLENGE_FILE = "challenge.toml"
TRAP_FILE = "private/trap.toml"
GENERATOR = "generate.py"
PUBLIC = "public"
PRIVATE = "private"
REFERENCES = ("naive", "careful")
TaskKind = Literal["classification", "regression"]
EvidenceName = Literal["slices", "probes", "estimate", "code", "writeup", "api_log"]
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
M = TypeVar("M", bound=Frozen)


class Challenge(Frozen):
    """The public description of a challenge, and where its folder is."""

    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    task: TaskKind
    target: str = Field(min_length=1)
    id_column: str = Field(min_length=1)
    metrics: tuple[str, ...] = Field(min_length=1)
    """The first is the headline metric; the others are reported beside it."""
    labels: tuple[int | str, ...] = ()
    """For classification: the values `prediction` may take."""
    probability: bool = False
    """Whether predictions carry a `probability` column (of the positive label)."""
    limits: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Per stage, the limits that replace the defaults: `train = { timeout = 600 }`."""
    runtime: str = "grade-runtime"
    folder: Path

    @property
    def public(self) -> Path:
        """`public/` in a challenge folder; the folder itself in a candidate's bundle."""
        inside = self.folder / PUBLIC
        return inside if inside.is_dir() else self.folder

    @property
    def private(self) -> Path:
        return self.folder / PRIVATE

    @property
    def train_data(self) -> Path:
        return self.public / "data"

    def limit_overrides(self) -> list[str]:
        """The challenge's limits in the `STAGE.KEY=VALUE` form `--limit` takes."""
        return [
            f"{stage}.{key}={value:g}"
            for stage, keys in sorted(self.limits.items())
            for key, value in sorted(keys.items())
        ]

    def reference(self, kind: str) -> Path:
        return self.folder / "reference" / kind

    @property
    def rubric_path(self) -> Path:
        """A private challenge keeps its rubric in its folder; a bundled one under rubrics/."""
        own = self.folder / "rubric.toml"
        return own if own.is_file() else self.folder.parents[1] / "rubrics" / f"{self.id}.toml"

    @field_validator("limits")
    @classmethod
    def _limits_parse(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        texts = [f"{stage}.{key}={v:g}" for stage, keys in value.items() for key, v in keys.items()]
        try:
            parse_overrides(texts)
        except HarnessError as err:
            raise ValueError(err.message.replace("--limit ", "")) from err
        return value


class SliceSpec(Frozen):
    """Two holdout slices whose gap shows a model leaning on the trap: one that leans on it
    scores worse on `against` than on `baseline`; one that handled it scores about the same."""

    baseline: str
    against: str
    metric: str
    threshold: float = Field(gt=0)
    relative: bool = False
    """Read the gap as a fraction of the baseline's score (for error metrics like MAE)."""


class ThresholdSpec(Frozen):
    """A threshold above which the evidence says the model leans on the trap."""

    threshold: float = Field(gt=0)


class SignalSpec(Frozen):
    """How far the model must beat a trivial one (the training prior or median) on the
    labelled holdout rows before its slices, probes and estimate can show anything about the
    trap: a model that learned nothing neither leans on the trap nor avoids it.

    The lift is the headline metric's improvement over the trivial model's score, as a
    fraction of that score for metrics where lower is better (MAE: 0.3 is 30% less error).
    The challenge calibrates `margin` below every reference's lift over seeds."""

    margin: float = Field(default=0.0, ge=0)


class CodeSpec(Frozen):
    """What handling the trap looks like in code, read from the syntax tree."""

    columns: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    handling: str = ""
    split: Literal["group"] | None = None
    """`group`: the handling is a split that keeps each value of `columns` on one side, read
    by following what the code does with those columns (`names`: the splitter classes that
    honour groups); otherwise the handling is one of `names` used in code."""


class WriteupSpec(Frozen):
    """Words that name the trap in a write-up."""

    terms: tuple[str, ...] = ()


class ApiLogSpec(Frozen):
    """How the trap shows in what the challenge's model API received (its request log): the
    planted personal data (the config's `canaries`) that reached it in `stages`.

    `canary_share` is the share of the graded tickets carrying a canary whose canary reached
    the API; `canaries` the number of distinct planted values received. Threshold 0: any
    canary received leans on the trap. A log without one shows handling only when the API
    received enough distinct prompts to have carried a canary had the tickets gone as they
    are (`min_exposure`: the canary-bearing tickets expected among them); a service that never
    called the API makes it not measurable, never handled."""

    measure: Literal["canary_share", "canaries"] = Field(
        default="canary_share", validation_alias=AliasChoices("measure", "metric")
    )
    threshold: float = Field(default=0.0, ge=0)
    stages: tuple[str, ...] = Field(default=("predict", "serve"), min_length=1)
    min_exposure: float = Field(default=1.0, ge=0)
    code: Literal["redaction"] = "redaction"
    """What the `code` kind reads for this trap (where `code` is listed): personal data
    masked or screened out before a model API call (a regex matching emails, card or phone
    numbers used to substitute text or to search it, or a PII library), in code that calls a
    model API (harness/api_grading/redaction.py)."""


class Trap(Frozen):
    """The private side of a challenge: the trap and the thresholds the checks use."""

    name: str
    title: str
    seed: int
    summary: str
    evidence: tuple[EvidenceName, ...] = Field(min_length=1)
    primary_slice: str | None = None
    """The slice whose score is the honest holdout score, compared with the estimate (none:
    every labelled holdout row)."""
    slices: SliceSpec | None = None
    probes: ThresholdSpec | None = None
    estimate: ThresholdSpec | None = None
    signal: SignalSpec = SignalSpec()
    code: CodeSpec = CodeSpec()
    writeup: WriteupSpec = WriteupSpec()
    api_log: ApiLogSpec | None = None


def load_challenge(folder: Path) -> Challenge:
    """Read `challenge.toml`; every problem names the file and the key."""
    path = folder / CHALLENGE_FILE
    data = _read_toml(path)
    return _validated(Challenge, {**data, "folder": folder}, path)


def load_trap(challenge: Challenge) -> Trap:
    """Read the challenge's `private/trap.toml` (only the grader's side ever does)."""
    path = challenge.folder / TRAP_FILE
    if not path.is_file():
        raise HarnessError(
            f"{path}: no such file; challenge {challenge.id!r} has no private side here",
            hint=f"run `python {challenge.folder / GENERATOR} --out {challenge.folder}`",
        )
    trap = _validated(Trap, _read_toml(path), path)
    missing = [kind for kind in trap.evidence if kind in ("slices", "probes", "estimate", "api_log")
               and getattr(trap, kind) is None]  # fmt: skip
    if missing:
        raise HarnessError(f"{path}: evidence lists {', '.join(missing)} with no [section]")
    return trap


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise HarnessError(f"{path}: no such file") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise HarnessError(f"{path}: not valid TOML ({err})") from err


def _validated(model: type[M], data: Mapping[str, Any], path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise HarnessError(f"{path}: {where}: {first['msg']}") from err
