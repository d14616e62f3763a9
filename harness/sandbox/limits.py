"""Per-stage run limits: the defaults, a challenge's own, and a grader's `--limit` overrides.

An override is `STAGE.KEY=VALUE`: `train.timeout=60` (seconds), `predict.memory=1024` (MiB),
`train.cpus=2`, `test.pids=128`. The result records the limits actually applied.

Every value, from `--limit` or a challenge's `[limits]`, is checked against its key's range
before anything runs (`KEYS`): finite, at least what a stage needs to start, at most what the
machine or the kernel can give (Docker would refuse the container, or the run would never end).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.errors import HarnessError
from harness.models import STAGE_NAMES, StageLimits, StageName
from harness.sandbox.docker import Limits

LIMIT_HINT = "write STAGE.KEY=VALUE, e.g. train.timeout=600; keys: timeout, memory, cpus, pids"


def machine_cpus() -> int:
    """The CPUs this process may use: more than that, and Docker refuses the container."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Range:
    """What one limit key means and the values it may take."""

    field: str
    """The `Limits` field it sets."""
    unit: str
    low: float
    high: float | None
    """None: the machine's CPU count, read when checked."""
    whole: bool = False
    why: str = ""

    def allowed(self) -> str:
        high = machine_cpus() if self.high is None else self.high
        unit = f"a whole number of {self.unit}" if self.whole else self.unit
        return f"{unit} from {_number(self.low)} to {_number(high)}{self.why}"

    def admits(self, value: float) -> bool:
        high = machine_cpus() if self.high is None else self.high
        whole = value.is_integer() or not self.whole
        return math.isfinite(value) and self.low <= value <= high and whole


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


KEYS = {
    "timeout": Range("timeout_s", "seconds", 1, 24 * 3600, why=" (24 hours)"),
    "memory": Range("memory_mb", "MiB", 128, 1024 * 1024, whole=True,
                    why=" (the runtime needs 128 MiB to start)"),
    "cpus": Range("cpus", "CPUs", 0.01, None, why=" (this machine's CPUs)"),
    "pids": Range("pids", "processes", 16, 4 * 1024 * 1024, whole=True,
                  why=" (the kernel's PID_MAX_LIMIT)"),
}  # fmt: skip


def parse_overrides(texts: Iterable[str]) -> dict[StageName, dict[str, float]]:
    """`["train.timeout=60"]` -> `{"train": {"timeout_s": 60.0}}`, or a one-line error."""
    overrides: dict[StageName, dict[str, float]] = {}
    for text in texts:
        stage, field, value = _parse_one(text)
        overrides.setdefault(stage, {})[field] = value
    return overrides


def _parse_one(text: str) -> tuple[StageName, str, float]:
    target, _, raw = text.partition("=")
    stage, _, key = target.strip().partition(".")
    if stage not in STAGE_NAMES or key not in KEYS or not raw.strip():
        raise HarnessError(f"--limit {text!r}: not a limit", hint=LIMIT_HINT)
    limit = KEYS[key]
    try:
        value = float(raw.strip())
    except ValueError as err:
        raise HarnessError(
            f"--limit {text!r}: {raw.strip()!r} is not a number; {key} is {limit.allowed()}"
        ) from err
    if not limit.admits(value):
        raise HarnessError(f"--limit {text!r}: {key} is {limit.allowed()}")
    return stage, limit.field, value


def apply_overrides(
    base: Mapping[StageName, Limits], overrides: Mapping[StageName, Mapping[str, float]]
) -> dict[StageName, Limits]:
    """The base limits with the overrides applied, stage by stage."""
    applied = dict(base)
    for stage, fields in overrides.items():
        typed = {name: int(v) if name in ("memory_mb", "pids") else v for name, v in fields.items()}
        applied[stage] = dataclasses.replace(applied[stage], **typed)  # type: ignore[arg-type]
    return applied


def recorded(limits: Mapping[StageName, Limits]) -> dict[StageName, StageLimits]:
    """The limits as `result.json`'s provenance records them."""
    return {
        stage: StageLimits(
            timeout_s=limit.timeout_s, memory_mb=limit.memory_mb, cpus=limit.cpus, pids=limit.pids
        )
        for stage, limit in limits.items()
    }
