"""The references' headline holdout scores, recorded beside them so grading need not rerun them.

`reference/scores.toml` holds the naive and careful references' score on the committed
data, in the challenge's headline metric. `grade challenge validate ID --record` writes it;
a plain `validate` reports it as stale when the references now score otherwise. The
correctness check reads it to say what a holdout score means.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from harness.challenges.model import REFERENCES, Challenge
from harness.files import write_text

SCORES_FILE = "reference/scores.toml"
TOLERANCE = 0.005


def scores_path(challenge: Challenge) -> Path:
    return challenge.folder / SCORES_FILE


def read_reference_scores(challenge: Challenge) -> dict[str, float | None]:
    """The recorded scores by reference name; empty when none are recorded (or unreadable)."""
    try:
        data = tomllib.loads(scores_path(challenge).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    if data.get("metric") != challenge.metrics[0]:
        return {}
    return {name: _number(data.get(name)) for name in REFERENCES}


def write_reference_scores(challenge: Challenge, scores: Mapping[str, float | None]) -> Path:
    """Record the scores (atomically)."""
    lines = [
        "# The references' headline holdout score on the committed data, written by",
        f"# `grade challenge validate {challenge.id} --record`; grading reads it.",
        f'metric = "{challenge.metrics[0]}"',
        *(f"{name} = {scores[name]:.4f}" for name in REFERENCES if scores.get(name) is not None),
    ]
    return write_text(scores_path(challenge), "\n".join(lines) + "\n")


def stale(recorded: Mapping[str, float | None], measured: Mapping[str, float | None]) -> list[str]:
    """The references whose recorded score differs from the measured one."""
    return [name for name in REFERENCES if _differs(recorded.get(name), measured.get(name))]


def _differs(recorded: float | None, measured: float | None) -> bool:
    if recorded is None or measured is None:
        return recorded is not measured
    return abs(recorded - measured) > TOLERANCE * max(1.0, abs(measured))


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
