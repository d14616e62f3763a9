"""`grade cohort` over portfolio reviews: the repositories side by side, never reviewed again;
and a folder of take-home results beside a stray review still makes its own cohort."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.portfolio.cohort import WIDE_COLUMNS
from harness.portfolio.review import ReviewOptions, review_repository
from tests.cohort.folders import cohort_folder
from tests.portfolio import gitrepos

ROW = re.compile(r'<tr class="cohort-row" id="row-\d+">(.*?)</tr>', re.S)


def cohort(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(cli, ["cohort", *args])
    return outcome.exit_code, outcome.stdout, outcome.stderr


def review_into(out: Path, root: Path) -> Path:
    options = ReviewOptions(out=out, run_tests=False)
    return review_repository(str(root), options, lambda _line: None).result_file


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("portfolio-cohort")
    out = base / "reviews"
    review_into(out, gitrepos.notebooks_only(base / "sales-notebooks").root)
    review_into(out, gitrepos.deployed_service(base / "churn-service", "fastapi==0.110.0\n").root)
    review_into(out, gitrepos.single_commit_dump(base / "pipeline-dump").root)
    return out


def test_the_page_and_csv_list_every_repository(reviews: Path) -> None:
    code, out, err = cohort(str(reviews), "--sort", "total")
    assert code == 0, err
    page = (reviews / "cohort" / "cohort.html").read_text(encoding="utf-8")
    rows = ROW.findall(page)
    assert len(rows) == 3
    assert "churn-service" in rows[0]  # sorted by the overall score, highest first
    for link in re.findall(r'<td class="name"><a href="([^"]+)">', page):
        assert (reviews / "cohort" / link).resolve().is_file(), link
    assert "<script" not in page.lower() and "Content-Security-Policy" in page
    with (reviews / "cohort" / "cohort-wide.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == WIDE_COLUMNS
    names = {row[0] for row in table[1:]}
    assert names == {"sales-notebooks", "churn-service", "pipeline-dump"}
    dump = next(row for row in table[1:] if row[0] == "pipeline-dump")
    assert "arrived in the first commit" in dump[WIDE_COLUMNS.index("red_flags")]
    assert "similarity is not run on portfolio reviews" in out


def test_blind_mode_is_refused_for_portfolio_reviews(reviews: Path) -> None:
    code, _, err = cohort(str(reviews), "--blind")
    assert code == 2 and err.count("\n") == 1 and "no pseudonym hides them" in err


def test_a_review_among_take_home_results_is_named_and_left_out(
    tmp_path: Path, reviews: Path
) -> None:
    folder = cohort_folder(tmp_path / "batch")
    review = next(reviews.glob("pipeline-dump-*"))
    (folder / review.name).mkdir()
    (folder / review.name / "result.json").write_bytes((review / "result.json").read_bytes())
    code, out, err = cohort(str(folder))
    assert code == 0, err
    assert f"{review.name}/result.json: a portfolio review, not a take-home result" in out
