"""Similarity wired into the cohort: real zips the ledger lists, unpacked through intake,
compared with each other and the challenge's references; `similarity.json` beside each result
and the pairs on the page, never a change to any score."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cohort import CohortOptions, build_cohort
from harness.cohort.csvfiles import WIDE_FILE
from tests.cohort.folders import PEOPLE, cohort_folder
from tests.cohort.test_cohort import read_csv


def test_similar_zips_are_a_question_on_the_page(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch", PEOPLE[:2], zips=True)
    before = {p.name: p.total for p in PEOPLE[:2]}
    written = build_cohort(folder, CohortOptions())
    assert "2 of 2 submissions compared" in written.similarity
    for row in read_csv(written.out / WIDE_FILE):
        assert float(row["total"]) == before[row["candidate"]]  # never a score change
        assert row["similar"], row["candidate"]
        assert "the careful reference" in row["similar"]
        beside = json.loads((folder / row["submission"] / "similarity.json").read_text())
        assert beside["pairs"]
    page = written.page.read_text(encoding="utf-8")
    section = page[page.index('id="similarity"') :]
    assert "Ada Lovelace and Grace Hopper" in section or "Grace Hopper and Ada Lovelace" in section
    assert '<article class="pair">' in section and "<pre>" in section


def test_blind_similarity_names_only_pseudonyms(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch", PEOPLE[:2], zips=True)
    written = build_cohort(folder, CohortOptions(blind=True))
    page = written.page.read_text(encoding="utf-8")
    section = page[page.index('id="similarity"') :]
    assert '<article class="pair">' in section and "Candidate " in section
    for person in PEOPLE[:2]:
        assert person.name not in page and person.file not in page


def test_without_zips_similarity_is_not_run_and_says_why(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch", PEOPLE[:2])
    written = build_cohort(folder, CohortOptions())
    assert written.similarity.startswith("Similarity was not run: none of the zips")
    assert "Similarity was not run" in written.page.read_text(encoding="utf-8")
    assert not list(folder.glob("*/similarity.json"))
