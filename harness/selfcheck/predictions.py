"""The predictions' format against the contract, read as untrusted data (never executed).

The id column, every input id exactly once, a `prediction` column with no blanks whose
values are the challenge's labels (classification) or finite numbers (regression), and a
`probability` in [0, 1] where the challenge asks for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from harness.challenges.model import Challenge
from harness.readers.predictions import (
    UnreadablePredictionsError,
    read_ids,
    read_predictions_file,
    to_numbers,
)
from harness.selfcheck.items import Item, failed, passed, plural

NAME = "predictions"
SHOWN_IDS = 3


def check_predictions(path: Path | None, features: Path, challenge: Challenge) -> Item:
    """One item: every problem of the predictions file, or what makes it right."""
    if path is None or not path.is_file():
        return failed(
            NAME,
            "predict wrote no predictions file: write the CSV to the path "
            "your command gets as {output}",
        )
    try:
        read = read_predictions_file(path, challenge.id_column)
    except UnreadablePredictionsError as err:
        return failed(NAME, f"the predictions file is not a readable CSV ({err})")
    raw = read.text
    problems = _column_problems(raw, challenge)
    if challenge.id_column in raw.columns:
        expected = read_ids(features, challenge.id_column)
        problems += _id_problems(raw[challenge.id_column], expected)
        non_finite = read.non_finite_problem()
        problems += [f"{non_finite}: write finite numbers"] if non_finite else []
        problems += _value_problems(read.finite_text(), challenge)
    if problems:
        return failed(NAME, "; ".join(problems))
    return passed(NAME, f"{len(raw)} rows, one per input id; {_what_is_right(challenge)}")


def _column_problems(raw: pd.DataFrame, challenge: Challenge) -> list[str]:
    wanted = [challenge.id_column, "prediction"]
    if challenge.probability:
        wanted.append("probability")
    missing = [name for name in wanted if name not in raw.columns]
    if not missing:
        return []
    have = ", ".join(str(c) for c in raw.columns[:8]) or "none"
    return [
        f"no column {', '.join(missing)} (it has {have}): the header must be {','.join(wanted)}"
    ]


def _id_problems(ids: pd.Series, expected: pd.Series) -> list[str]:
    problems = []
    repeated = ids[ids.duplicated()].unique()
    if len(repeated):
        problems.append(f"{plural(len(repeated), 'id')} more than once ({_some(repeated)})")
    missing = expected[~expected.isin(ids)]
    if len(missing):
        problems.append(
            f"{len(missing)} of the {len(expected)} input ids without a prediction "
            f"({_some(missing)}): write one row per input row"
        )
    unknown = ids[~ids.isin(expected)].unique()
    if len(unknown):
        problems.append(f"{plural(len(unknown), 'id')} not in the input ({_some(unknown)})")
    return problems


def _value_problems(raw: pd.DataFrame, challenge: Challenge) -> list[str]:
    """The values of the rows whose numbers are all finite (the others are named apart)."""
    problems = []
    if "prediction" in raw.columns:
        problems += _prediction_problems(raw["prediction"], challenge)
    if challenge.probability and "probability" in raw.columns:
        problems += _probability_problems(raw["probability"])
    return problems


def _prediction_problems(text: pd.Series, challenge: Challenge) -> list[str]:
    blank = int((text.str.strip().isin(["", "nan", "NaN", "NA", "null", "None"])).sum())
    if blank:
        return [f"{plural(blank, 'row')} without a prediction (blank or NaN): predict every row"]
    if challenge.task == "classification":
        wrong = text[~text.map(lambda value: _is_label(value, challenge.labels))].unique()
        if len(wrong):
            labels = ", ".join(str(label) for label in challenge.labels)
            return [f"prediction holds {_some(wrong)}, not one of the labels {labels}"]
        return []
    bad = to_numbers(text).isna()
    if bad.any():
        return [
            f"{plural(int(bad.sum()), 'prediction')} not a number ({_some(text[bad].unique())})"
        ]
    return []


def _probability_problems(text: pd.Series) -> list[str]:
    numbers = to_numbers(text)
    unusable = numbers.isna()
    if unusable.any():
        return [
            f"{plural(int(unusable.sum()), 'probability', 'probabilities')} blank or "
            "not a number "
            f"({_some(text[unusable].unique())})"
        ]
    outside = numbers[(numbers < 0) | (numbers > 1)]
    if len(outside):
        return [
            f"{plural(len(outside), 'probability', 'probabilities')} outside [0, 1] "
            f"(e.g. {outside.iloc[0]:g}): "
            "give the probability of the positive label"
        ]
    return []


def _is_label(value: str, labels: tuple[int | str, ...]) -> bool:
    text = value.strip()
    if text in {str(label) for label in labels}:
        return True
    try:
        number = float(text)
    except ValueError:
        return False
    return any(not isinstance(label, str) and number == label for label in labels)


def _what_is_right(challenge: Challenge) -> str:
    if challenge.task == "classification":
        right = f"prediction in {{{', '.join(str(label) for label in challenge.labels)}}}"
    else:
        right = "prediction a finite number"
    return right + ("; probability in [0, 1]" if challenge.probability else "")


def _some(values: Iterable[object]) -> str:
    items = [repr(str(value)) for value in values]
    more = ", ..." if len(items) > SHOWN_IDS else ""
    return ", ".join(items[:SHOWN_IDS]) + more
