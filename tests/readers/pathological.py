"""Files that once crashed the grader (issue 12, item 2), shared by the readers' tests."""

from __future__ import annotations

import json
from collections.abc import Mapping

SUM = "x = " + " + ".join(["1"] * 10_000) + "\n"
"""A sum of 10,000 terms: RecursionError while the syntax tree is built."""
MINUS = "X = " + "-" * 100_000 + "1\n"
"""100,000 minus signs: MemoryError in the parser."""


def notebook(*sources: str) -> str:
    """A valid nbformat 4 notebook whose code cells hold `sources`."""
    cells: list[dict[str, object]] = [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": [],
         "execution_count": None}
        for source in sources
    ]  # fmt: skip
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def shaped(cells: object) -> str:
    """A notebook's JSON whose `cells` is `cells`, whatever that is."""
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


FILES: Mapping[str, str] = {
    "sum.py": SUM,
    "minus.py": MINUS,
    "attributes.py": "x = a" + ".a" * 50_000 + "\n",
    "just_deep.py": "x = " + " + ".join(["1"] * 150) + "\n",
    "minus_cell.ipynb": notebook("import pandas\n", MINUS),
    "sum_cell.ipynb": notebook(SUM),
    "cells_a_dict.ipynb": shaped({"a": 1}),
    "cells_a_number.ipynb": shaped(5),
    "cells_of_strings.ipynb": shaped(["x", 1, None]),
    "deep_json.ipynb": "[" * 100_000 + "]" * 100_000,
}
"""Every file a reader once crashed on or must refuse, by name; none of them is readable."""
