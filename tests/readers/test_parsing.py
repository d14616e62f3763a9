"""Every reader of candidate files is total: a parsed value or why not, never an exception.

The pathological files of issue 12 each become an unreadable reason; hypothesis then throws
malformed and pathological Python, notebook JSON of any shape and write-ups of any bytes at
every reader."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.checks.prose import Splitter, sentences
from harness.checks.source import notebook_cells, parse
from harness.readers.code_marks import find_marks
from harness.readers.notebook import code_cells, raw_cells, read_notebook
from harness.readers.parsing import (
    MAX_NESTING,
    Unreadable,
    nested_deeper,
    parse_json,
    parse_python,
    read_source,
)
from harness.readers.python_source import read_python
from harness.readers.writeup import clean_writeup, read_writeup
from tests.readers.pathological import FILES, MINUS, SUM, notebook, shaped

PYTHON = {name: text for name, text in FILES.items() if name.endswith(".py")}
NOTEBOOKS = {name: text for name, text in FILES.items() if name.endswith(".ipynb")}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(PYTHON))
def test_pathological_python_is_unreadable_with_why(name: str) -> None:
    parsed = parse_python(PYTHON[name])
    assert isinstance(parsed, Unreadable)
    assert "nested" in parsed.reason
    source = read_python(PYTHON[name])
    assert source.syntax_error == parsed.reason and source.imports == ()
    assert parse(PYTHON[name]) is None


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_pathological_notebooks_say_why(name: str) -> None:
    summary = read_notebook(NOTEBOOKS[name])
    assert summary.read_error or summary.unreadable_cells
    assert isinstance(notebook_cells(NOTEBOOKS[name]), list)


def test_a_deep_cell_is_named_and_the_other_cells_are_still_read() -> None:
    summary = read_notebook(notebook("import pandas\n", MINUS))
    assert summary.read_error is None and summary.code_cells == 2
    assert summary.unreadable_cells == (f"cell 2: {parse_python(MINUS).reason}",)  # type: ignore[union-attr]
    assert [use.module for use in summary.imports] == ["pandas"]


@pytest.mark.parametrize("cells", [{"a": 1}, 5, "cells", None])
def test_cells_that_are_not_a_list_are_not_a_notebook(cells: object) -> None:
    text = shaped(cells)
    assert raw_cells(text) == Unreadable("not a notebook: no list of cells")
    assert read_notebook(text).read_error == "not a notebook: no list of cells"
    assert notebook_cells(text) == []


def test_code_cells_of_a_list_of_anything_keeps_the_code_cells() -> None:
    text = shaped(["x", 1, {"cell_type": "code", "source": ["a = 1\n", 2, "%time b\n"]}])
    assert code_cells(text) == ["a = 1\n"]


def test_deep_json_is_unreadable() -> None:
    assert isinstance(parse_json("[" * 100_000 + "]" * 100_000), Unreadable)
    assert parse_json('{"a": [1]}') == {"a": [1]}


def test_the_nesting_bound_is_the_trees_depth() -> None:
    shallow = ast.parse("x = " + " + ".join(["1"] * 50))
    assert not nested_deeper(shallow, MAX_NESTING)
    assert nested_deeper(ast.parse("x = " + " + ".join(["1"] * (MAX_NESTING + 1))), MAX_NESTING)
    assert isinstance(parse_python("def f(x):\n    return x + 1\n"), ast.Module)


def test_every_accepted_tree_is_safe_for_the_recursive_visitors() -> None:
    """A tree just inside the bound: radon and ast.unparse, as the checks call them."""
    from radon.complexity import cc_visit_ast  # type: ignore[import-untyped]

    chain = "def f(a):\n    return a" + ".a" * (MAX_NESTING - 6) + "\n"
    tree = parse_python(chain)
    assert isinstance(tree, ast.Module)
    assert cc_visit_ast(tree) and ast.unparse(tree)


def test_the_reader_of_source_files_says_why_it_did_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 200_000)
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"x = '\xe9'\n")
    assert read_source(big) == "x = 1\n" * 200_000
    assert read_source(big, limit=1024 * 1024) == Unreadable("over 1 MiB: not read")
    assert read_source(latin) == Unreadable("not UTF-8 text")
    assert isinstance(read_source(tmp_path / "absent.py"), Unreadable)


def test_find_marks_skips_what_it_cannot_read(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "ok.py").write_text("from sklearn.model_selection import GroupKFold\n")
    marks = find_marks(tmp_path, {"GroupKFold"}, set())
    assert [(m.file, m.line) for m in marks] == [("ok.py", 1)]


def test_the_process_survives_every_pathological_file(tmp_path: Path) -> None:
    """In a fresh interpreter: a crash of the C parser would kill it, not raise."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from harness.inventory import take_inventory
        inventory = take_inventory(Path({str(tmp_path)!r}))
        print(len(inventory.unreadable))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) >= len(FILES)


# --- fuzzing ------------------------------------------------------------------------------

TOKENS = st.sampled_from(
    ["(", ")", "[", "]", "{", "}", "-", "+", "~", "not ", "lambda: ", "await ", "1", "x",
     ".a", "()", "[0]", " if 1 else ", "**", "*", ":", ",", "\n", "    ", "'", '"', "f'{",
     "\\", "\x00", "#", "@", "def f(", "class C:", "yield ", "\t", "\ufeff", "\udc80", "é"]
)  # fmt: skip
PATHOLOGICAL_PYTHON = st.one_of(
    st.text(),
    st.lists(TOKENS, max_size=400).map("".join),
    st.builds(
        lambda prefix, op, n: prefix + op.join(["1"] * n),
        st.sampled_from(["x = ", "", "def f():\n    return "]),
        st.sampled_from([" + ", " * ", " ** ", " - ", ".", " < ", " and "]),
        st.integers(1, 5000),
    ),
    st.builds(
        lambda op, n: "x = " + op * n + "1",
        st.sampled_from(["-", "~", "not ", "lambda: ", "+", "("]),
        st.integers(1, 50_000),
    ),
)


@FUZZ
@given(PATHOLOGICAL_PYTHON)
def test_python_readers_never_raise(text: str) -> None:
    parsed = parse_python(text)
    assert isinstance(parsed, ast.Module | Unreadable)
    if isinstance(parsed, ast.Module):
        assert not nested_deeper(parsed, MAX_NESTING)
    read_python(text, is_test_file=True)
    parse.cache_clear()
    parse(text)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
CELL = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw", 1])},
    optional={
        "source": st.one_of(PATHOLOGICAL_PYTHON, st.lists(st.one_of(st.text(), JSON), max_size=3),
                            JSON),
        "outputs": st.one_of(st.lists(JSON, max_size=3), JSON),
        "execution_count": JSON,
        "metadata": st.one_of(st.just({}), JSON),
    },
)  # fmt: skip
NOTEBOOK = st.one_of(
    JSON.map(json.dumps),
    st.text(),
    st.builds(shaped, st.one_of(st.lists(st.one_of(CELL, JSON), max_size=5), JSON)),
    st.lists(PATHOLOGICAL_PYTHON, max_size=3).map(lambda s: notebook(*s)),
)


@FUZZ
@given(NOTEBOOK)
def test_notebook_readers_never_raise(text: str) -> None:
    summary = read_notebook(text)
    assert summary.code_cells >= 0
    cells = code_cells(text)
    assert isinstance(cells, list | Unreadable)
    assert all(isinstance(cell, str) for cell in notebook_cells(text))


WRITEUP_BYTES = st.one_of(
    st.binary(max_size=4000),
    st.text().map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(
        st.sampled_from(
            ["# ", "## Results\n", "=====\n", "```\n", "~~~\n", "![x](data:image/png;base64,",
             "<img src=\"data:image/gif;base64,", "iVBORw0KGgo", ")", "\"/>", "\u202e", "\x00",
             "\r\n", "- item", "1. ", "| a | b |\n", "word. Another", "\ufffd", "\xff"]
        ),
        max_size=200,
    ).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
)  # fmt: skip
SPLITTERS = (Splitter(re.compile(r"(?<=[.!?])\s+")), Splitter(re.compile(r"\n+"), breaks=None))


@FUZZ
@given(WRITEUP_BYTES)
def test_writeup_readers_never_raise(raw: bytes) -> None:
    read = clean_writeup(raw)
    summary = read_writeup(read.text)
    assert summary.words >= 0
    assert "data:image" not in read.text
    for splitter in SPLITTERS:
        sentences(read.text, splitter)


def test_the_issues_own_cases_in_one_interpreter_call() -> None:
    """The four files of the issue, through the readers the checks call."""
    for text in (SUM, MINUS):
        assert isinstance(parse_python(text), Unreadable)
    assert read_notebook(notebook(MINUS)).unreadable_cells
    assert read_notebook(shaped({"a": 1})).read_error
