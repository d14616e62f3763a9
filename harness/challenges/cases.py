"""A challenge's calibration suite: known submissions graded against what they should get.

`challenges/<id>/private/cases/<name>/` is a submission folder (any layout, its own
`assessment.toml`) with an `expected.toml`, written before the case was first graded:

    description = "A base-rate model: it learned nothing, so nothing shows it avoids the trap"

    [expect]
    trap = ["unknown"]                    # the trap verdicts allowed

    [expect.dimensions]                   # score bands, inclusive; a dimension left out is free
    correctness = [0.0, 0.35]

    [expect.checks]                       # optional: the statuses a check may end in
    "trap.code" = ["pass"]

    [expect.questions]                    # optional: words no follow-up question may hold
    absent = ["You kept"]

`grade challenge validate ID` grades every case the way `grade` does and reports each one
outside its expectation, saying which. Cases are private (never in a bundle) and are not
references: reference scores are recorded from the references only.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from harness.challenges.catalog import Catalog
from harness.challenges.model import Challenge
from harness.errors import HarnessError
from harness.models import DIMENSION_NAMES, Result, TrapVerdict
from harness.packing import zip_folder

CASES_DIR = Path("private") / "cases"
EXPECTED_FILE = "expected.toml"
VERDICTS = frozenset(get_args(TrapVerdict))
Grader = Callable[[Path, Path], Result]
"""Grades a submission folder (zipped by the caller) into a result; the second path is a
scratch folder."""


@dataclass(frozen=True)
class Expectation:
    """What one case should get."""

    description: str
    trap: frozenset[str]
    bands: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    checks: Mapping[str, frozenset[str]] = field(default_factory=dict)
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    expected: Expectation


@dataclass(frozen=True)
class CaseOutcome:
    """One graded case and every way it missed its expectation (empty: as expected)."""

    case: Case
    verdict: str
    scores: Mapping[str, float | None]
    misses: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.misses


def find_cases(challenge: Challenge) -> list[Case]:
    """Every case folder of the challenge, by name; a broken `expected.toml` is an error."""
    root = challenge.folder / CASES_DIR
    if not root.is_dir():
        return []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [Case(p.name, p, load_expectation(p / EXPECTED_FILE)) for p in folders]


def load_expectation(path: Path) -> Expectation:
    """Read and check an `expected.toml`; anything wrong names the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise HarnessError(f"{path}: cannot read it ({err})") from err
    expect = _table(data, "expect", path)
    return Expectation(
        description=str(data.get("description", "")),
        trap=_verdicts(expect, path),
        bands=_bands(_table(expect, "dimensions", path, required=False), path),
        checks=_statuses(_table(expect, "checks", path, required=False), path),
        absent=tuple(_strings(_table(expect, "questions", path, False).get("absent", []), path)),
    )


def _table(data: Mapping[str, Any], key: str, path: Path, required: bool = True) -> dict[str, Any]:
    value = data.get(key, None if required else {})
    if not isinstance(value, dict):
        raise HarnessError(f"{path}: [{key}] must be a table")
    return value


def _verdicts(expect: Mapping[str, Any], path: Path) -> frozenset[str]:
    given = expect.get("trap")
    verdicts = [given] if isinstance(given, str) else given
    if not isinstance(verdicts, list) or not verdicts or not set(verdicts) <= VERDICTS:
        raise HarnessError(f"{path}: expect.trap must list verdicts among {sorted(VERDICTS)}")
    return frozenset(verdicts)


def _bands(table: Mapping[str, Any], path: Path) -> dict[str, tuple[float, float]]:
    bands: dict[str, tuple[float, float]] = {}
    for name, band in table.items():
        ok = isinstance(band, list) and len(band) == 2 and all(_number(v) for v in band)
        if name not in DIMENSION_NAMES or not ok or band[0] > band[1]:
            raise HarnessError(f"{path}: expect.dimensions.{name} must be [low, high] of a "
                               f"dimension among {', '.join(DIMENSION_NAMES)}")  # fmt: skip
        bands[name] = (float(band[0]), float(band[1]))
    return bands


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _statuses(table: Mapping[str, Any], path: Path) -> dict[str, frozenset[str]]:
    return {check: frozenset(_strings(allowed, path)) for check, allowed in table.items()}


def _strings(value: object, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HarnessError(f"{path}: expected a list of strings, got {value!r}")
    return list(value)


def challenge_grader(challenge: Challenge, progress: Callable[[str], None]) -> Grader:
    """Grades a case folder exactly as `grade` grades a zip of it, against this challenge."""
    from harness.grading import grade_submission  # grading imports the challenge layer
    from harness.pipeline import RunOptions

    options = RunOptions(catalog=Catalog((challenge.folder.parent,), {challenge.id: challenge}))

    def grade(folder: Path, scratch: Path) -> Result:
        progress(f"{challenge.id}: grading the case {folder.name}")
        packed = scratch / f"{folder.name}.zip"
        zip_folder(folder, packed, leave_out=frozenset({EXPECTED_FILE}))
        return grade_submission(packed, options, scratch / "out", lambda _: None).result

    return grade


def case_problems(outcomes: Sequence[CaseOutcome]) -> list[str]:
    """One line per case outside its expectation, naming the case and every miss."""
    return [f"case {o.case.name}: {'; '.join(o.misses)}" for o in outcomes if not o.ok]


def grade_cases(cases: Sequence[Case], grader: Grader) -> list[CaseOutcome]:
    """Grade each case and compare it with its expectation."""
    outcomes = []
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="grade-case-") as scratch:
            try:
                result = grader(case.folder, Path(scratch))
            except HarnessError as err:  # a case that cannot be graded is a miss, not a stop
                unscored: dict[str, float | None] = dict.fromkeys(DIMENSION_NAMES, None)
                outcomes.append(CaseOutcome(case, "not graded", unscored, (err.one_line(),)))
                continue
        outcomes.append(judge_case(case, result))
    return outcomes


def judge_case(case: Case, result: Result) -> CaseOutcome:
    """Every way `result` misses the case's expectation."""
    expected = case.expected
    scores: dict[str, float | None] = {n: result.dimensions[n].score for n in DIMENSION_NAMES}
    misses = []
    if result.trap.verdict not in expected.trap:
        misses.append(f"trap {result.trap.verdict}, expected {' or '.join(sorted(expected.trap))}")
    for name, (low, high) in expected.bands.items():
        score = scores.get(name)
        if score is None or not low <= score <= high:
            shown = "none" if score is None else f"{score:.2f}"
            misses.append(f"{name} {shown}, expected {low:.2f}-{high:.2f}")
    statuses = {f.check: f.status for f in result.findings}
    for check, allowed in expected.checks.items():
        if statuses.get(check) not in allowed:
            misses.append(f"{check} {statuses.get(check)}, expected {' or '.join(sorted(allowed))}")
    asked = [q.question for q in result.followup.questions]
    for words in expected.absent:
        hit = next((q for q in asked if words.lower() in q.lower()), None)
        if hit:
            misses.append(f"a follow-up question holds {words!r}: {hit}")
    return CaseOutcome(case, result.trap.verdict, scores, tuple(misses))
