"""Read and validate a `review.toml` against the rubric: every problem names the file and line."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from harness.errors import HarnessError
from harness.review.lines import Lines, locate
from harness.review.model import LEVEL_NAMES, LEVEL_SCORES, CriterionReview, Review
from harness.review.template import review_path
from harness.rubric import Rubric, RubricCriterion

TOP_KEYS = ("submission", "reviewer", "reviewed", "notes")
CRITERION_KEYS = ("level", "score", "notes")
BANDS: Mapping[str, tuple[float, float]] = {
    "strong": (0.75, 1.0),
    "adequate": (0.4, 0.75),
    "weak": (0.0, 0.4),
}
"""The scores a level allows (the automatic levels' bounds, `harness.scoring.LEVELS`); the
upper bound belongs to the level only for strong."""

_TOML_LINE = re.compile(r"at line (\d+)")


class _File:
    """One review file being read: its path, and where its keys are."""

    def __init__(self, path: Path, lines: Lines) -> None:
        self.path = path
        self.lines = lines

    def fail(self, message: str, *where: str, hint: str | None = None) -> NoReturn:
        line = self.lines.of(*where) if where else None
        place = f"{self.path}:{line}" if line is not None else str(self.path)
        raise HarnessError(f"{place}: {message}", hint=hint)


def read_review(result_path: Path, rubric: Rubric) -> Review | None:
    """The review beside `result_path`, validated against `rubric`; None when there is none."""
    path = review_path(result_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as err:
        raise HarnessError(f"{path}: not UTF-8 text ({err.reason})") from err
    except OSError as err:
        raise HarnessError(f"cannot read {path}: {err.strerror or err}") from err
    return parse_review(path, text, rubric, _submission_id(result_path))


def _submission_id(result_path: Path) -> str | None:
    """The id in the result.json, when it can be read (the report validates it elsewhere)."""
    try:
        value = json.loads(result_path.read_bytes())["submission"]["id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def parse_review(path: Path, text: str, rubric: Rubric, submission: str | None = None) -> Review:
    """The review in `text` (read from `path`, named in errors), validated against `rubric`
    and, given the result's submission id, against the id the review names."""
    file = _File(path, locate(text))
    data = _toml(path, text)
    _known_keys(file, data, rubric)
    named = _text(file, data, "submission").strip()
    if named and submission is not None and named != submission:
        file.fail(
            f"submission: {named[:12]}... is not this result's ({submission[:12]}...)",
            "submission",
            hint="this review was written for another submission; move it beside its result",
        )
    review = Review(
        reviewer=_text(file, data, "reviewer").strip(),
        reviewed=_when(file, data),
        criteria=tuple(
            _criterion(file, name, criterion, _table(file, data, name))
            for name, dimension in rubric.dimensions.items()
            for criterion in dimension
        ),
        notes=_text(file, data, "notes"),
    )
    if review.filled:
        for key, value in (("reviewer", review.reviewer), ("reviewed", review.reviewed)):
            if not value:
                file.fail(f"{key}: missing; a review with levels says who reviewed and when", key)
    return review


def _toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = _TOML_LINE.search(str(err))
        place = f"{path}:{found.group(1)}" if found else str(path)
        raise HarnessError(f"{place}: not valid TOML ({err})") from err


def _known_keys(file: _File, data: Mapping[str, Any], rubric: Rubric) -> None:
    """Every top-level key is known, every dimension table holds only the rubric's criteria."""
    for key in data:
        if key not in TOP_KEYS and key not in rubric.dimensions:
            what = "table" if isinstance(data[key], dict) else "key"
            file.fail(
                f"unknown {what} {key!r}",
                key,
                hint=f"the keys are {', '.join(TOP_KEYS)}; the tables are the dimensions "
                f"({', '.join(rubric.dimensions)})",
            )
    for name, criteria in rubric.dimensions.items():
        known = [c.id for c in criteria]
        for key in _table(file, data, name):
            if key not in known:
                file.fail(
                    f"unknown criterion {name}.{key}",
                    name,
                    key,
                    hint=f"the criteria of {name} are {', '.join(known)}",
                )


def _table(file: _File, data: Mapping[str, Any], *where: str) -> Mapping[str, Any]:
    value: Any = data
    for key in where:
        value = value.get(key, {})
    if not isinstance(value, dict):
        file.fail(f"{'.'.join(where)}: must be a table, [{'.'.join(where)}]", *where)
    return value


def _text(file: _File, data: Mapping[str, Any], key: str, *where: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        file.fail(f"{'.'.join((*where, key))}: must be a quoted string", *where, key)
    return value


def _when(file: _File, data: Mapping[str, Any]) -> str:
    value = data.get("reviewed", "")
    if isinstance(value, date):  # a TOML date or datetime written bare; datetime is a date
        return value.isoformat()
    if not isinstance(value, str):
        file.fail('reviewed: must be a date, e.g. "2025-03-20"', "reviewed")
    value = value.strip()
    if value:
        try:
            (datetime if "T" in value or " " in value else date).fromisoformat(value)
        except ValueError:
            file.fail(f'reviewed: {value!r} is not an ISO date, e.g. "2025-03-20"', "reviewed")
    return value


def _criterion(
    file: _File, dimension: str, criterion: RubricCriterion, data: Mapping[str, Any]
) -> CriterionReview:
    where = (dimension, criterion.id)
    table = _table(file, data, criterion.id) if criterion.id in data else {}
    for key in table:
        if key not in CRITERION_KEYS:
            file.fail(
                f"{dimension}.{criterion.id}: unknown key {key!r}",
                *where,
                key,
                hint=f"a criterion has {', '.join(CRITERION_KEYS)}",
            )
    level = _text(file, table, "level", *where).strip() or None
    if level is not None and level not in LEVEL_NAMES:
        file.fail(
            f"{dimension}.{criterion.id}.level: unknown level {level!r}",
            *where,
            "level",
            hint=f'write one of {", ".join(LEVEL_NAMES)}, or "" when you did not judge it',
        )
    return CriterionReview(
        dimension=dimension,
        criterion=criterion.id,
        level=level,
        score=_score(file, table, level, where),
        notes=_text(file, table, "notes", *where),
        weight=criterion.weight,
    )


def _score(
    file: _File, table: Mapping[str, Any], level: str | None, where: tuple[str, str]
) -> float | None:
    name = ".".join(where)
    if "score" not in table:
        return None if level is None else LEVEL_SCORES[level]
    value = table["score"]
    if level is None:
        file.fail(f"{name}.score: a score needs a level", *where, "score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        file.fail(f"{name}.score: must be a number from 0 to 1", *where, "score")
    low, high = BANDS[level]
    inside = low <= value <= high if level == "strong" else low <= value < high
    if not inside:
        file.fail(
            f"{name}.score: {value:g} is outside the {level} band ({low:g} to {high:g})",
            *where,
            "score",
        )
    return float(value)
