"""Inventory on fixture submissions: the bundled example and a deliberately messy one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.inventory import Inventory, take_inventory
from harness.readers.notebook import read_notebook
from harness.readers.python_source import count_tests, is_test_path, read_python
from harness.readers.requirements import read_requirements
from harness.readers.writeup import read_writeup
from tests.readers.pathological import FILES

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "challenges" / "customer-churn" / "reference" / "careful"
MESSY = Path(__file__).parent / "data" / "submissions" / "notebook-mess"


@pytest.fixture(scope="module")
def messy() -> Inventory:
    return take_inventory(MESSY)


@pytest.fixture(scope="module")
def example() -> Inventory:
    return take_inventory(EXAMPLE)


def test_a_notebook_run_out_of_order_with_an_error_is_seen(messy: Inventory) -> None:
    notebook = next(n for n in messy.notebooks if n.path == "analysis.ipynb").summary
    assert notebook.code_cells == 4 and notebook.markdown_cells == 1
    assert notebook.execution_counts == (3, 1, None, 2)
    assert not notebook.executed_in_order
    assert not notebook.clean_run
    assert notebook.error_cells == (2,)
    assert notebook.has_outputs and not notebook.outputs_stripped
    assert {use.module for use in notebook.imports} == {"pandas", "sklearn"}


def test_an_unreadable_notebook_says_why(messy: Inventory) -> None:
    notebook = next(n for n in messy.notebooks if n.path == "broken.ipynb").summary
    assert notebook.read_error is not None
    assert notebook.code_cells == 0


def test_python_modules_tests_and_syntax_errors(messy: Inventory) -> None:
    paths = {m.path: m for m in messy.modules}
    assert set(paths) == {
        "src/pipeline/__init__.py", "src/pipeline/broken.py", "src/pipeline/serve.py",
        "test_model.py",
    }  # fmt: skip
    assert paths["src/pipeline/broken.py"].source.syntax_error is not None
    assert messy.test_files == ("test_model.py",)
    assert messy.test_functions == 3
    assert messy.packages == ("src/pipeline",)


def test_the_write_up_prefers_writeup_md(messy: Inventory) -> None:
    assert messy.writeup is not None
    assert messy.writeup.path == "WRITEUP.md"
    assert messy.writeup.summary.headings == ("Write-up", "Results")
    assert messy.writeup.summary.words == 5  # "Write-up", "Short words here.", "Results"


def test_requirements_pinned_and_loose(messy: Inventory) -> None:
    (requirements,) = messy.requirements
    summary = requirements.summary
    assert summary.pinned == ("numpy", "x")
    assert summary.unpinned == ("pandas", "scikit-learn", "flask")
    assert summary.invalid == ("not a requirement !!",)


def test_files_the_checks_need(messy: Inventory) -> None:
    assert messy.dockerfiles == ("Dockerfile",)
    assert messy.ci_files == (".github/workflows/ci.yml",)
    assert [f.path for f in messy.data_files] == ["data/train.csv"]
    assert [f.path for f in messy.model_files] == ["model.pkl"]
    assert messy.vendored == (".venv",)
    assert all(not m.path.startswith(".venv") for m in messy.modules)


def test_serving_validation_and_logging_libraries(messy: Inventory) -> None:
    found = {(c.category, c.module, c.path, c.line) for c in messy.capabilities}
    assert ("serving", "flask", "src/pipeline/serve.py", 2) in found
    assert ("validation", "pandera", "src/pipeline/serve.py", 3) in found
    assert ("logging", "logging", "src/pipeline/serve.py", 1) in found
    assert not any(c.path == "test_model.py" for c in messy.capabilities)


def test_the_bundled_example_is_a_clean_submission(example: Inventory) -> None:
    assert example.writeup is not None and example.writeup.path == "README.md"
    headings = set(example.writeup.summary.headings)
    assert {"Approach", "Assumptions", "Results", "Deployment", "Limitations"} <= headings
    assert all(n.summary.clean_run and not n.summary.error_cells for n in example.notebooks)
    assert example.test_functions >= 5
    assert example.requirements[0].summary.unpinned == ()
    assert {c.module for c in example.capabilities if c.category == "serving"} >= {"fastapi"}
    assert example.data_files == () and example.model_files == ()


def test_read_python_counts_lines_and_functions() -> None:
    source = read_python("import os\n\n# comment\ndef f():\n    return os.sep\n")
    assert (source.lines, source.code_lines, source.functions) == (5, 3, 1)
    assert [use.module for use in source.imports] == ["os"]


def test_relative_imports_are_not_libraries() -> None:
    source = read_python("from . import models\nfrom .x import y\nimport a.b.c\n")
    assert [use.module for use in source.imports] == ["a"]


def test_count_tests_follows_pytest_conventions() -> None:
    import ast

    tree = ast.parse("def test_a(): ...\nclass TestB:\n    def test_c(self): ...\nclass C:\n"
                     "    def test_d(self): ...\n")  # fmt: skip
    assert count_tests(tree) == 2
    assert is_test_path("tests/test_x.py") and is_test_path("x_test.py")
    assert not is_test_path("testing.py") and not is_test_path("tests/conftest.py")


def test_requirements_with_urls_and_wildcards() -> None:
    summary = read_requirements("a==1.0\nb==1.*\nc===2\nd @ https://x.invalid/d.whl\n")
    assert summary.pinned == ("a", "c", "d")
    assert summary.unpinned == ("b",)


def test_writeup_setext_headings_and_code_blocks() -> None:
    summary = read_writeup("Title\n=====\n\nOne two.\n\n~~~\nnot words\n~~~\n### Next ###\n")
    assert summary.headings == ("Title", "Next")
    assert summary.words == 4


def test_a_notebook_saved_without_outputs() -> None:
    text = (
        '{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, '
        '"execution_count": null, "outputs": []}], "metadata": {}, "nbformat": 4, '
        '"nbformat_minor": 5}'
    )
    summary = read_notebook(text)
    assert summary.outputs_stripped and summary.executed_in_order and not summary.clean_run


def test_files_no_reader_can_parse_are_listed_and_the_rest_still_read(tmp_path: Path) -> None:
    for name, text in {**FILES, "ok.py": "import pandas\n"}.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    inventory = take_inventory(tmp_path)
    reasons = {file.path: file.reason for file in inventory.unreadable}
    assert set(reasons) == {*FILES, "latin.py"}
    assert reasons["sum.py"].startswith("nested") and reasons["latin.py"] == "not UTF-8 text"
    assert reasons["cells_a_dict.ipynb"] == "not a notebook: no list of cells"
    assert reasons["cells_of_strings.ipynb"].startswith("not a valid notebook: ")
    assert reasons["minus_cell.ipynb"].startswith("cell 2: nested")
    assert inventory.unread == ("latin.py",)
    ok = next(m for m in inventory.modules if m.path == "ok.py")
    assert [use.module for use in ok.source.imports] == ["pandas"]


def test_a_readable_submission_has_nothing_unreadable(example: Inventory) -> None:
    assert example.unreadable == ()
    assert example.writeup is not None and example.writeup.read.notes() == []
