"""Per-stage run limits: the defaults, a challenge's own, and a grader's `--limit` overrides.

An override is `STAGE.KEY=VALUE`: `train.timeout=60` (seconds), `predict.memory=1024` (MiB),
`train.cpus=2`, `test.pids=128`. The result records the limits actually applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from harness.errors import HarnessError
from harness.models import STAGE_NAMES, StageLimits, StageName
from harness.sandbox.docker import Limits

KEYS = {"timeout": ("timeout_s", float), "memory": ("memory_mb", int), "cpus": ("cpus", float),
        "pids": ("pids", int)}  # fmt: skip
LIMIT_HINT = "write STAGE.KEY=VALUE, e.g. train.timeout=600; keys: timeout, memory, cpus, pids"


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
    field, kind = KEYS[key]
    try:
        value = kind(raw.strip())
    except ValueError as err:
        raise HarnessError(f"--limit {text!r}: {raw.strip()!r} is not a number") from err
    if value <= 0:
        raise HarnessError(f"--limit {text!r}: must be more than 0")
    return stage, field, float(value)


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
