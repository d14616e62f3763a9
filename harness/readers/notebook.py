"""Reading Jupyter notebooks: cells, execution order, errors, imports; and their code cells.

`read_notebook` reads with nbformat (validated); `code_cells` reads the JSON as it is, for the
checks that only need the code. Both are total: a notebook of any shape says why it is
unreadable instead of raising.
"""

from __future__ import annotations

import ast
import itertools
import warnings
from collections.abc import Iterable
from typing import Any

import nbformat
from pydantic import computed_field

from harness.models import Frozen
from harness.readers.parsing import Unreadable, parse_json, parse_python
from harness.readers.python_source import ImportUse, imports_of, strip_magics


class NotebookSummary(Frozen):
    """How a notebook was left: what ran, in which order, and what failed."""

    code_cells: int
    markdown_cells: int
    execution_counts: tuple[int | None, ...]
    """Per code cell, top to bottom; None where the cell never ran."""
    error_cells: tuple[int, ...]
    """1-based numbers (among code cells) of cells whose outputs hold an error."""
    has_outputs: bool
    imports: tuple[ImportUse, ...]
    read_error: str | None = None
    unreadable_cells: tuple[str, ...] = ()
    """Code cells that could not be parsed, each as `cell N: why`."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def executed_in_order(self) -> bool:
        """Executed cells ran top to bottom (counts strictly increase)."""
        counts = [count for count in self.execution_counts if count is not None]
        return all(a < b for a, b in itertools.pairwise(counts))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clean_run(self) -> bool:
        """Every code cell ran exactly once, top to bottom, from a fresh kernel: 1, 2, 3..."""
        return list(self.execution_counts) == list(range(1, self.code_cells + 1))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outputs_stripped(self) -> bool:
        """No code cell ran or kept outputs (saved cleared, or never run)."""
        return not self.has_outputs and all(c is None for c in self.execution_counts)


def read_notebook(text: str) -> NotebookSummary:
    """Summarise a notebook's JSON; an unreadable one says why instead of raising."""
    cells = raw_cells(text)
    if isinstance(cells, Unreadable):
        return _unreadable(cells.reason)
    try:
        with warnings.catch_warnings():  # old notebooks lack cell ids: not the candidate's fault
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
        return _summary(notebook.cells)
    except Exception as err:  # nbformat raises many kinds for a notebook of any shape
        return _unreadable(f"not a valid notebook: {_first_line(err)}")


def raw_cells(text: str) -> list[Any] | Unreadable:
    """The notebook's list of cells as saved, not validated; why not, when it has none."""
    data = parse_json(text)
    if isinstance(data, Unreadable):
        return data
    cells = data.get("cells") if isinstance(data, dict) else None
    return cells if isinstance(cells, list) else Unreadable("not a notebook: no list of cells")


def code_cells(text: str) -> list[str] | Unreadable:
    """A notebook's code cells, top to bottom, as Python (IPython magics blanked out)."""
    cells = raw_cells(text)
    if isinstance(cells, Unreadable):
        return cells
    return [
        strip_magics(cell_source(cell))
        for cell in cells
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]


def cell_source(cell: Any) -> str:
    """A cell's source, saved as one string or as a list of lines ("" when neither)."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(line for line in source if isinstance(line, str))
    return source if isinstance(source, str) else ""


def _summary(cells: list[Any]) -> NotebookSummary:
    code = [cell for cell in cells if cell.get("cell_type") == "code"]
    parsed = [parse_python(strip_magics(cell_source(cell))) for cell in code]
    return NotebookSummary(
        code_cells=len(code),
        markdown_cells=sum(cell.get("cell_type") == "markdown" for cell in cells),
        execution_counts=tuple(_count(cell) for cell in code),
        error_cells=tuple(n for n, cell in enumerate(code, 1) if _has_error(cell)),
        has_outputs=any(cell.get("outputs") for cell in code),
        imports=_imports(tree for tree in parsed if isinstance(tree, ast.Module)),
        unreadable_cells=tuple(
            f"cell {n}: {tree.reason}"
            for n, tree in enumerate(parsed, 1)
            if isinstance(tree, Unreadable)
        ),
    )


def _unreadable(reason: str) -> NotebookSummary:
    return NotebookSummary(
        code_cells=0,
        markdown_cells=0,
        execution_counts=(),
        error_cells=(),
        has_outputs=False,
        imports=(),
        read_error=reason,
    )


def _count(cell: Any) -> int | None:
    count = cell.get("execution_count")
    return count if isinstance(count, int) else None


def _has_error(cell: Any) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def _imports(trees: Iterable[ast.Module]) -> tuple[ImportUse, ...]:
    found: set[ImportUse] = set()
    for tree in trees:
        found.update(imports_of(tree))
    return tuple(sorted(found, key=lambda use: use.module))


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else 'unreadable'}"
