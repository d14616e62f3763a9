"""The cohort as CSV: one wide file (a row per submission), one long file (a row per score),
and a sidecar JSON with each wide column's maximum and weight (never a row of the CSV).

Scores are in [0, 1] as in `result.json`; an empty cell is "not scored". A text cell that a
spreadsheet would read as a formula (=, +, -, @ first) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from harness.cohort.table import Cohort, Row
from harness.files import replacing, write_text
from harness.models import DIMENSION_NAMES

WIDE_FILE = "cohort-wide.csv"
LONG_FILE = "cohort-long.csv"
COLUMNS_FILE = "cohort-columns.json"
LONG_COLUMNS = (
    "submission", "source", "dimension", "criterion", "check", "score", "status",
    "evidence_anchor",
)  # fmt: skip
FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")
Cell = str | float | int | None


def wide_columns(cohort: Cohort) -> list[str]:
    """The wide file's header, in order (documented in the README)."""
    return [
        "submission", "candidate", "contact", "file", "challenge", "challenge_version",
        "total", *DIMENSION_NAMES, *(c.key for c in cohort.criteria),
        "trap", "metric", "holdout", "baseline", *(f"reference.{r}" for r in cohort.references),
        "estimate", "flags", "reviewer", "reviewed",
        *(f"review.{name}" for name in DIMENSION_NAMES),
        *(f"review.{c.key}" for c in cohort.criteria),
        "similar", "similarity_max", "report",
    ]  # fmt: skip


def wide_row(cohort: Cohort, row: Row) -> list[Cell]:
    result, review = row.result, row.review
    metrics = result.metrics
    return [
        row.label, row.name, row.contact, row.file, result.challenge.id, result.challenge.version,
        row.total, *row.scores.values(), *(row.criterion(c) for c in cohort.criteria),
        result.trap.verdict, metrics.metric, metrics.holdout, metrics.baseline,
        *(metrics.references.get(r) for r in cohort.references),
        metrics.estimate.value if metrics.estimate else None, "; ".join(row.flags),
        review.reviewer if review else "", review.reviewed if review else "",
        *((review.dimensions.get(name) if review else None) for name in DIMENSION_NAMES),
        *((review.criteria.get(c.key) if review else None) for c in cohort.criteria),
        "; ".join(s.other_name for s in row.similar),
        max((s.score for s in row.similar), default=None), row.report,
    ]  # fmt: skip


def long_rows(cohort: Cohort, row: Row) -> Iterator[list[Cell]]:
    """A row per dimension, criterion and finding (the harness's), then the interviewer's."""
    for name, score in row.scores.items():
        status = "not_scored" if score is None else "scored"
        yield [row.label, "harness", name, "", "", score, status, _dimension_anchor(name)]
    for name, dimension in row.result.dimensions.items():
        for c in dimension.criteria:
            status = "automatic" if c.automatic else "interviewer"
            yield [row.label, "harness", name, c.id, "", c.score, status, _dimension_anchor(name)]
    for anchor, finding in row.anchored_findings():
        keys = cohort.check_criteria.get(finding.check) or ("",)
        for key in keys:
            criterion_id = key.split(".", 1)[1] if key else ""
            yield [row.label, "harness", finding.dimension, criterion_id, finding.check,
                   finding.score, finding.status, anchor]  # fmt: skip
    if row.review is not None:
        for key, score in row.review.criteria.items():
            dimension_name, criterion_id = key.split(".", 1)
            yield [row.label, "interviewer", dimension_name, criterion_id, "", score, "reviewed",
                   ""]  # fmt: skip


def _dimension_anchor(name: str) -> str:
    return f"dimension-{name.replace('_', '-')}"


def columns_sidecar(cohort: Cohort) -> dict[str, Any]:
    """What each wide column is, with its maximum and (for a criterion) its weight."""
    columns: dict[str, dict[str, Any]] = {
        "total": {"max": 1.0, "what": "mean of the dimensions that could be scored"},
    }
    for name in DIMENSION_NAMES:
        columns[name] = {"max": 1.0, "what": "dimension score: the weighted criteria"}
        columns[f"review.{name}"] = {"max": 1.0, "source": "interviewer",
                                     "what": "the interviewer's own dimension score"}  # fmt: skip
    for c in cohort.criteria:
        columns[c.key] = {"max": 1.0, "weight": c.weight, "dimension": c.dimension,
                          "title": c.title}  # fmt: skip
        columns[f"review.{c.key}"] = {"max": 1.0, "weight": c.weight, "dimension": c.dimension,
                                      "title": c.title, "source": "interviewer"}  # fmt: skip
    for metric_column in ("holdout", "baseline", *(f"reference.{r}" for r in cohort.references)):
        columns[metric_column] = {"max": None, "metric": cohort.metric}
    columns["similarity_max"] = {"max": 1.0, "what": "highest similarity above the threshold"}
    return {
        "challenge": cohort.challenge,
        "versions": list(cohort.versions),
        "blind": cohort.blind,
        "scores": "in [0, 1]; an empty cell is not scored",
        "columns": columns,
    }


def write_csvs(cohort: Cohort, out: Path) -> list[Path]:
    wide: list[list[Cell]] = [list(wide_columns(cohort))]
    wide += [wide_row(cohort, row) for row in cohort.rows]
    long: list[list[Cell]] = [list(LONG_COLUMNS)]
    long += [r for row in cohort.rows for r in long_rows(cohort, row)]
    sidecar = json.dumps(columns_sidecar(cohort), indent=2, ensure_ascii=False) + "\n"
    return [
        _write(out / WIDE_FILE, wide),
        _write(out / LONG_FILE, long),
        write_text(out / COLUMNS_FILE, sidecar),
    ]


def write_rows(path: Path, rows: Sequence[Sequence[Cell]]) -> Path:
    """Write a CSV atomically, a text cell a spreadsheet would run as a formula escaped."""
    return _write(path, rows)


def _write(path: Path, rows: Sequence[Sequence[Cell]]) -> Path:
    with replacing(path) as temporary, temporary.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
    return path


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return str(value)
    return f"'{value}" if value.startswith(FORMULA_FIRST) else value
