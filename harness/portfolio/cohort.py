"""`grade cohort DIR` over portfolio reviews: the repositories side by side, never reviewed again.

`grade cohort` hands a folder to this module when its results are portfolio reviews (`kind`
"portfolio") and none is a take-home result. It writes `cohort.html` (the report's rules: one
file, no script, nothing from the network, prints on A4) with a row per repository (the five
areas, the overall score, the tests' trusted counts, the red flags, a link to its report), the
median of each area and how often each signal ended well, and `cohort-wide.csv` with the same
rows. Blind mode is refused: a portfolio review names a public repository, its authors and
its history, and no pseudonym hides that.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from harness.cohort import CohortOptions, Written, default_out
from harness.cohort.csvfiles import write_rows
from harness.errors import HarnessError
from harness.files import write_text
from harness.portfolio.model import AREA_LABELS, AREA_NAMES, AreaName, PortfolioResult
from harness.portfolio.review import REPORT_FILE, RESULT_FILE
from harness.report.formats import Score

PAGE = "cohort.html"
WIDE = "cohort-wide.csv"
MAX_RESULT_BYTES = 50 * 1024 * 1024
SORT_AREAS: dict[str, AreaName] = {
    "deployment": "deployment",
    "code_quality": "engineering",
    "data_judgment": "data",
    "communication": "depth",
}
"""`--sort` takes the take-home's dimension names: each sorts by the nearest area."""


@dataclass(frozen=True)
class Loaded:
    path: Path
    result: PortfolioResult


@dataclass(frozen=True)
class RowView:
    anchor: str
    name: str
    source: str
    commit: str
    report: str
    total: Score
    scores: tuple[Score, ...]
    tests: str
    red: tuple[str, ...]
    green: int


@dataclass(frozen=True)
class AreaSpread:
    label: str
    median: Score
    scored: int


@dataclass(frozen=True)
class SignalRate:
    id: str
    title: str
    area: str
    passed: int
    partial: int
    failed: int


@dataclass(frozen=True)
class CohortView:
    title: str
    count: int
    sorted_by: str
    area_labels: tuple[str, ...]
    rows: tuple[RowView, ...]
    spread: tuple[AreaSpread, ...]
    rates: tuple[SignalRate, ...]
    notes: tuple[str, ...]


def result_kinds(folder: Path) -> Counter[str]:
    """How many `*/result.json` under `folder` are portfolio reviews, take-home results, or
    neither (not readable as JSON): read as JSON only, never validated here."""
    kinds: Counter[str] = Counter()
    for path in folder.glob(f"*/{RESULT_FILE}"):
        kinds[result_kind(path)] += 1
    return kinds


def result_kind(path: Path) -> str:
    """`portfolio`, `take-home` or `unreadable`, from the JSON's keys."""
    try:
        if path.stat().st_size > MAX_RESULT_BYTES:
            return "unreadable"
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return "unreadable"
    if isinstance(data, dict) and data.get("kind") == "portfolio":
        return "portfolio"
    return "take-home" if isinstance(data, dict) and "submission" in data else "unreadable"


def is_portfolio_folder(folder: Path) -> bool:
    """Portfolio reviews and no take-home result: the folder is a cohort of repositories."""
    if not folder.is_dir():
        return False
    kinds = result_kinds(folder)
    return kinds["portfolio"] > 0 and kinds["take-home"] == 0


def build_portfolio_cohort(folder: Path, options: CohortOptions) -> Written:
    if options.blind:
        raise HarnessError(
            "--blind: portfolio reviews name public repositories, their authors and history; "
            "no pseudonym hides them",
            hint="run grade cohort without --blind on a folder of portfolio reviews",
        )
    out = options.out if options.out is not None else default_out(folder, False)
    loaded, notes = _load(folder, out)
    key, sorted_by = _sort_key(options.sort, notes)
    ordered = _sorted(loaded, key)
    view = CohortView(
        title=f"Portfolio reviews: {len(ordered)} repositories",
        count=len(ordered),
        sorted_by=sorted_by,
        area_labels=tuple(AREA_LABELS[name] for name in AREA_NAMES),
        rows=tuple(_row(i, item, out) for i, item in enumerate(ordered)),
        spread=tuple(_spread(ordered, name) for name in AREA_NAMES),
        rates=_rates(ordered),
        notes=tuple(notes),
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise HarnessError(f"cannot write {out}: {err.strerror or err}") from err
    page = write_text(out / PAGE, _render(view))
    wide = write_rows(out / WIDE, [list(WIDE_COLUMNS), *(_csv_row(i, out) for i in ordered)])
    return Written(
        out,
        page,
        (page, wide),
        len(ordered),
        tuple(notes),
        "similarity is not run on portfolio reviews",
    )


def _load(folder: Path, out: Path) -> tuple[list[Loaded], list[str]]:
    loaded: list[Loaded] = []
    notes: list[str] = []
    for path in sorted(folder.glob(f"*/{RESULT_FILE}")):
        if path.resolve().is_relative_to(out.resolve()):
            continue
        try:
            result = PortfolioResult.from_json(path.read_bytes())
        except (OSError, ValidationError):
            notes.append(
                f"{path.parent.name}/{RESULT_FILE}: not a valid portfolio review (left out)"
            )
            continue
        loaded.append(Loaded(path, result))
    if not loaded:
        raise HarnessError(
            f"{folder}: no readable portfolio review in it",
            hint="review repositories first: `grade repo PATH --out DIR`",
        )
    return loaded, notes


def _sort_key(sort: str, notes: list[str]) -> tuple[str, str]:
    if sort in ("name", "total"):
        return sort, sort
    area = SORT_AREAS.get(sort)
    if area is None:
        notes.append(f"--sort {sort}: no portfolio area matches; sorted by total")
        return "total", "total"
    return area, AREA_LABELS[area]


def _sorted(loaded: Sequence[Loaded], key: str) -> list[Loaded]:
    if key == "name":
        return sorted(loaded, key=lambda i: (i.result.repository.name.casefold(), str(i.path)))

    def score(item: Loaded) -> float | None:
        if key == "total":
            return item.result.total
        area = item.result.areas.get(key)  # type: ignore[call-overload]
        return area.score if area else None

    return sorted(loaded, key=lambda i: (score(i) is None, -(score(i) or 0.0), str(i.path)))


def _row(index: int, item: Loaded, out: Path) -> RowView:
    result = item.result
    report = item.path.with_name(REPORT_FILE)
    return RowView(
        anchor=f"row-{index + 1}",
        name=result.repository.name,
        source=result.repository.source,
        commit=result.repository.commit[:12],
        report=os.path.relpath(report, out) if report.is_file() else "",
        total=Score.of(result.total),
        scores=tuple(Score.of(_area_score(result, name)) for name in AREA_NAMES),
        tests=_tests(result),
        red=tuple(f.text for f in result.flags if f.tone == "red")[:3],
        green=sum(1 for f in result.flags if f.tone == "green"),
    )


def _area_score(result: PortfolioResult, name: AreaName) -> float | None:
    area = result.areas.get(name)
    return area.score if area else None


def _tests(result: PortfolioResult) -> str:
    tests = result.tests
    if tests.tests is None:
        return "not run" if tests.stage.verdict == "not_run" else tests.stage.verdict
    return f"{tests.passed}/{tests.tests} passed"


def _spread(loaded: Sequence[Loaded], name: AreaName) -> AreaSpread:
    values = sorted(s for i in loaded if (s := _area_score(i.result, name)) is not None)
    middle = len(values) // 2
    median = None
    if values:
        median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return AreaSpread(AREA_LABELS[name], Score.of(median), len(values))


def _rates(loaded: Sequence[Loaded]) -> tuple[SignalRate, ...]:
    counts: dict[str, Counter[str]] = {}
    titles: dict[str, tuple[str, str]] = {}
    for item in loaded:
        for found in item.result.signals:
            counts.setdefault(found.id, Counter())[found.status] += 1
            titles.setdefault(found.id, (found.title, AREA_LABELS[found.area]))
    return tuple(
        SignalRate(
            sid, *titles[sid], counts[sid]["pass"], counts[sid]["partial"], counts[sid]["fail"]
        )
        for sid in sorted(counts)
    )


WIDE_COLUMNS = (
    "repository",
    "source",
    "commit",
    "total",
    *AREA_NAMES,
    "tests",
    "tests_passed",
    "green_flags",
    "red_flags",
    "report",
)
"""The portfolio cohort's wide CSV header (documented in the README)."""


def _csv_row(item: Loaded, out: Path) -> list[str | float | int | None]:
    result = item.result
    report = item.path.with_name(REPORT_FILE)
    return [
        result.repository.name,
        result.repository.source,
        result.repository.commit,
        result.total,
        *(_area_score(result, name) for name in AREA_NAMES),
        result.tests.tests,
        result.tests.passed,
        sum(1 for f in result.flags if f.tone == "green"),
        "; ".join(f.text for f in result.flags if f.tone == "red"),
        os.path.relpath(report, out) if report.is_file() else "",
    ]


def _render(view: CohortView) -> str:
    from importlib import resources

    from markupsafe import Markup

    from harness.portfolio.report import environment, portfolio_css

    cohort_css = resources.files("harness.cohort").joinpath("static", "cohort.css")
    css = portfolio_css() + Markup("\n") + Markup(cohort_css.read_text(encoding="utf-8"))
    return environment().get_template("portfolio_cohort.html.j2").render(view=view, css=css)
