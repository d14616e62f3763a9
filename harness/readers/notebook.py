"""Reading Jupyter notebooks with nbformat: cells, execution order, errors, imports."""

from __future__ import annotations

import ast
import itertools
import warnings
from typing import Any

import nbformat
from pydantic import computed_field

from harness.models import Frozen
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
    try:
        with warnings.catch_warnings():  # old notebooks lack cell ids: not the candidate's fault
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    except Exception as err:  # nbformat raises many kinds for malformed JSON
        return NotebookSummary(
            code_cells=0,
            markdown_cells=0,
            execution_counts=(),
            error_cells=(),
            has_outputs=False,
            imports=(),
            read_error=_first_line(err),
        )
    code = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    markdown = [cell for cell in notebook.cells if cell.get("cell_type") == "markdown"]
    return NotebookSummary(
        code_cells=len(code),
        markdown_cells=len(markdown),
        execution_counts=tuple(_count(cell) for cell in code),
        error_cells=tuple(n for n, cell in enumerate(code, 1) if _has_error(cell)),
        has_outputs=any(cell.get("outputs") for cell in code),
        imports=_imports(code),
    )


def _count(cell: Any) -> int | None:
    count = cell.get("execution_count")
    return count if isinstance(count, int) else None


def _has_error(cell: Any) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def _imports(cells: list[Any]) -> tuple[ImportUse, ...]:
    found: set[ImportUse] = set()
    for cell in cells:
        try:
            found.update(imports_of(ast.parse(strip_magics(str(cell.get("source", ""))))))
        except (SyntaxError, ValueError):
            continue
    return tuple(sorted(found, key=lambda use: use.module))


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else 'unreadable'}"
