"""The one reader of a predictions file, for every place that reads one: the predict stage's
validation, the self-check, the correctness checks, the holdout scores and the trap's
measures.

The file is untrusted data, read as text and never executed: UTF-8 with or without a BOM
(what Excel writes), header names stripped of spaces, ids as written. The numeric columns
(`prediction`, `probability`) are coerced to numbers; a value that is a number but not a
finite one (`inf`, `-inf`, `nan`, `1e400`) is a contract violation, named once with its rows,
and its row is left out of the values every measure reads, so it cannot move a score or a
verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ENCODING = "utf-8-sig"
NUMERIC = ("prediction", "probability")
SHOWN_ROWS = 5


class UnreadablePredictionsError(ValueError):
    """The file is not a CSV pandas can read (empty, not UTF-8, broken quoting)."""


@dataclass(frozen=True)
class PredictionsFile:
    """A predictions file as read: its text, its usable numbers, its non-finite rows."""

    text: pd.DataFrame
    """Every row and column as text, exactly as written (the BOM and header spaces gone)."""
    values: pd.DataFrame
    """Indexed by id (the first row of each), the numeric columns present as numbers; the
    rows holding a non-finite value are left out."""
    non_finite: tuple[str, ...]
    """The ids of the rows with a non-finite value in a numeric column, in file order."""
    finite_rows: pd.Series
    """Per row of `text`: True where every numeric value is finite (or not a number)."""

    def finite_text(self) -> pd.DataFrame:
        """The rows of `text` without a non-finite value: what value checks look at."""
        return self.text.loc[self.finite_rows]

    def non_finite_problem(self) -> str | None:
        """The violation in one line, with the first few ids (None: every value finite)."""
        if not self.non_finite:
            return None
        count = len(self.non_finite)
        shown = ", ".join(repr(row) for row in self.non_finite[:SHOWN_ROWS])
        more = ", ..." if count > SHOWN_ROWS else ""
        rows = "1 row" if count == 1 else f"{count} rows"
        return (
            f"{rows} with non-finite values (inf, -inf or nan), left out of every measure: "
            f"{shown}{more}"
        )


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV as text columns, exactly as written; a BOM is accepted."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise UnreadablePredictionsError(str(err).strip() or type(err).__name__) from err
    frame.columns = [str(name).strip() for name in frame.columns]
    return frame


def read_ids(features: Path, id_column: str) -> pd.Series:
    """The ids of a features file (the harness's own), as text."""
    return read_text_csv(features)[id_column]


def read_predictions_file(path: Path, id_column: str) -> PredictionsFile:
    """Read a predictions file; raises `UnreadablePredictionsError` when it is not a CSV."""
    text = read_text_csv(path)
    present = [column for column in NUMERIC if column in text]
    bad = text[present].map(_is_non_finite).any(axis=1) if present else _none(text)
    ids = text[id_column] if id_column in text else pd.Series(dtype=str)
    non_finite = tuple(dict.fromkeys(ids[bad].tolist())) if id_column in text else ()
    return PredictionsFile(text, _values(text, id_column, present, bad), non_finite, ~bad)


def to_numbers(text: pd.Series) -> pd.Series:
    """Text values as numbers; anything that is not one becomes NaN."""
    return pd.to_numeric(text.str.strip(), errors="coerce")


def _values(text: pd.DataFrame, id_column: str, present: list[str], bad: pd.Series,
            ) -> pd.DataFrame:  # fmt: skip
    if id_column not in text:
        return pd.DataFrame(columns=present, dtype=float)
    first = text.loc[~text[id_column].duplicated()]
    kept = first.loc[~bad.loc[first.index]].set_index(id_column)
    return pd.DataFrame({column: to_numbers(kept[column]) for column in present}, index=kept.index)


def _is_non_finite(value: str) -> bool:
    try:
        return not math.isfinite(float(value))
    except ValueError:
        return False


def _none(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(False, index=frame.index)
