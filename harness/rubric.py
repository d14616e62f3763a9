"""A challenge's rubric: per dimension, criteria with weights and level descriptors.

`rubrics/<id>.toml` (or `rubric.toml` in a private challenge's folder) has one array of
tables per dimension (`[[correctness]]`, `[[code_quality]]`, ...); each criterion has an id,
a title, a positive weight, the checks that feed it, and what "strong", "adequate" and
"weak" look like in words. Every problem names the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from harness.errors import HarnessError
from harness.models import DIMENSION_NAMES, DimensionName, Frozen


class RubricCriterion(Frozen):
    """One thing the interviewer and the checks judge, and how much it counts."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    weight: float = Field(gt=0)
    checks: tuple[str, ...] = ()
    strong: str = Field(min_length=1)
    adequate: str = Field(min_length=1)
    weak: str = Field(min_length=1)


class Rubric(Frozen):
    """The criteria of every dimension for one challenge."""

    challenge: str
    dimensions: dict[DimensionName, tuple[RubricCriterion, ...]]


def load_rubric(path: Path, known_checks: Collection[str] | None = None) -> Rubric:
    """Read and check a rubric; an unknown dimension, a missing one, a bad weight or (given
    the registered ids) an unknown check is an error naming the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise HarnessError(f"{path}: no such rubric") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise HarnessError(f"{path}: not valid TOML ({err})") from err
    challenge = data.pop("challenge", None)
    if not isinstance(challenge, str):
        raise HarnessError(f"{path}: challenge: missing; write the challenge id")
    unknown = sorted(set(data) - set(DIMENSION_NAMES))
    if unknown:
        raise HarnessError(f"{path}: {unknown[0]}: not a dimension ({', '.join(DIMENSION_NAMES)})")
    dimensions = {name: _criteria(path, name, data.get(name)) for name in DIMENSION_NAMES}
    if known_checks is not None:
        _require_known(path, dimensions, known_checks)
    return Rubric(challenge=challenge, dimensions=dimensions)


def _require_known(
    path: Path,
    dimensions: dict[DimensionName, tuple[RubricCriterion, ...]],
    known: Collection[str],
) -> None:
    for name, criteria in dimensions.items():
        for number, criterion in enumerate(criteria, start=1):
            unknown = [c for c in criterion.checks if c not in known]
            if unknown:
                raise HarnessError(
                    f"{path}: {name}[{number}].checks: unknown check {unknown[0]!r}",
                    hint="`grade checks` lists the check ids",
                )


def _criteria(path: Path, name: str, raw: Any) -> tuple[RubricCriterion, ...]:
    if not isinstance(raw, list) or not raw:
        raise HarnessError(f"{path}: {name}: a dimension with no criteria; add [[{name}]]")
    criteria = []
    for number, item in enumerate(raw, start=1):
        try:
            criteria.append(RubricCriterion.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            raise HarnessError(f"{path}: {name}[{number}].{key}: {first['msg']}") from err
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise HarnessError(f"{path}: {name}: criterion ids repeat ({', '.join(ids)})")
    return tuple(criteria)
