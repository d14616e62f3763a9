"""The write-up as the grader and `grade check` read it (issue 12, item 6): embedded images
are dropped before any size limit, not the write-up; text past the limit is cut, and both the
report and the self-check say so, with the same number."""

from __future__ import annotations

import base64
import random
import shutil
from pathlib import Path

import pytest

from harness.challenges.catalog import load_catalog
from harness.checks.registry import REGISTRY
from harness.inventory import take_inventory
from harness.readers.writeup import (
    WRITEUP_LIMIT_BYTES,
    clean_writeup,
    limit_kb,
    load_writeup,
    writeup_name,
)
from harness.selfcheck.folder_items import contract_item
from tests.checks.contexts import make_context

NAIVE = Path(__file__).parents[2] / "challenges" / "customer-churn" / "reference" / "naive"
IMAGE = base64.b64encode(random.Random(12).randbytes(1_600_000)).decode()
"""About 2.1 MB of base64: a screenshot pasted into the README."""


def with_readme(tmp_path: Path, extra: str) -> Path:
    """The naive reference, its README followed by `extra`."""
    root = Path(shutil.copytree(NAIVE, tmp_path / "submission"))
    readme = root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def test_a_markdown_image_is_dropped_and_the_text_kept() -> None:
    read = clean_writeup(
        f"# Title\n\nSome words.\n\n![plot](data:image/png;base64,{IMAGE})\n".encode()
    )
    assert read.text == "# Title\n\nSome words.\n\n![plot]()\n"
    assert read.images_dropped == 1 and read.image_bytes > 2_000_000
    assert not read.cut and not read.problems()
    assert read.notes() == [f"1 embedded image ({read.image_bytes / 1024:,.0f} KB) dropped"]


def test_an_html_image_is_dropped_too() -> None:
    raw = f'Before <img alt="x" src="data:image/gif;base64,{IMAGE[:5000]}"/> after.'.encode()
    read = clean_writeup(raw)
    assert read.text == 'Before <img alt="x" src=""/> after.'
    assert read.images_dropped == 1


def test_text_past_the_limit_is_cut_and_says_at_how_many_kb() -> None:
    words = ("word " * (WRITEUP_LIMIT_BYTES // 5 + 1000)).encode()
    read = clean_writeup(words)
    assert read.cut and len(read.text.encode()) <= WRITEUP_LIMIT_BYTES
    assert read.problems() == [
        f"over {limit_kb()} KB once its embedded images are dropped: cut at {limit_kb()} KB, "
        "the rest is not read"
    ]


def test_bytes_that_are_not_utf8_are_read_and_said() -> None:
    read = clean_writeup(b"# R\xe9sum\xe9\n\nWords here.\n")
    assert read.replaced and "Words here." in read.text
    assert "not valid UTF-8" in read.problems()[0]


def test_the_write_up_name_is_chosen_the_same_way_everywhere() -> None:
    assert writeup_name(["Readme.md", "train.py"]) == "Readme.md"
    assert writeup_name(["README.md", "WRITEUP.md"]) == "WRITEUP.md"
    assert writeup_name(["notes.md"]) is None


def test_a_readme_with_a_2mb_image_is_a_write_up_not_none(tmp_path: Path) -> None:
    root = with_readme(tmp_path, f"\n![plot](data:image/png;base64,{IMAGE})\n")
    assert (root / "README.md").stat().st_size > 2 * 1024 * 1024
    inventory = take_inventory(root)
    assert inventory.writeup is not None and inventory.writeup.summary.words > 100
    context = make_context(root)
    assert "base64" not in context.writeup_text and "## " in context.writeup_text
    structure = REGISTRY["comms.structure"].run(context)
    assert structure.status == "pass" and structure.score and structure.score > 0.5
    assert (REGISTRY["comms.length"].run(context).score or 0.0) > 0.5
    read = REGISTRY["comms.readable"].run(context)
    assert read.status == "skipped" and "1 embedded image" in read.message
    item, _, _ = contract_item(root, load_catalog())
    assert "README.md" not in item.message, item.message


def test_grading_and_grade_check_cut_at_the_same_limit(tmp_path: Path) -> None:
    root = with_readme(tmp_path, "\n## More\n\n" + "A plain sentence here. " * 15_000)
    assert load_writeup(root / "README.md").cut  # type: ignore[union-attr]
    limit = f"cut at {limit_kb()} KB"
    graded = REGISTRY["comms.readable"].run(make_context(root))
    assert graded.status == "partial" and limit in graded.message
    assert graded.evidence[0].path == "README.md"
    item, _, _ = contract_item(root, load_catalog())
    assert item.status == "warn" and f"README.md is over {limit_kb()} KB" in item.message
    assert limit in item.message


@pytest.mark.parametrize("extra", ["\nA short addition.\n", ""])
def test_a_plain_write_up_is_read_whole(tmp_path: Path, extra: str) -> None:
    root = with_readme(tmp_path, extra)
    found = REGISTRY["comms.readable"].run(make_context(root))
    assert found.status == "skipped" and found.message == "README.md: read whole"
    assert found.evidence
