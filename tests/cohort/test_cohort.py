"""`grade cohort` on real folders of results: the page, the CSV files, sorting, blind mode,
notes for what cannot be read, and the interviewer's scores beside the harness's."""

from __future__ import annotations

import csv
import json
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.cohort import CohortOptions, build_cohort
from harness.cohort.blind import KEY_FILE, pseudonyms
from harness.cohort.csvfiles import COLUMNS_FILE, LONG_COLUMNS, LONG_FILE, WIDE_FILE
from harness.cohort.stats import CHALLENGE_SENTENCE
from harness.models import DIMENSION_NAMES
from harness.report import read_result
from harness.review import rubric_for_result, write_review_template
from tests.cohort.folders import (
    PEOPLE,
    cohort_folder,
    every_identifier,
    person_result,
    write_result,
)

ROW = re.compile(r'<tr class="cohort-row" id="row-\d+">(.*?)</tr>', re.S)


def run(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(cli, ["cohort", *args])
    return outcome.exit_code, outcome.stdout, outcome.stderr


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_page_lists_every_row_with_its_report(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    code, out, err = run(str(folder))
    assert code == 0, err
    page = (folder / "cohort" / "cohort.html").read_text(encoding="utf-8")
    rows = ROW.findall(page)
    assert len(rows) == len(PEOPLE)
    for person in PEOPLE:
        assert sum(person.name in row for row in rows) == 1, person.name
    for link in re.findall(r'<td class="name"><a href="([^"]+)">', page):
        assert (folder / "cohort" / link).resolve().is_file(), link
    assert "<script" not in page.lower()
    assert "Similarity was not run" in out


def test_mixing_challenges_is_refused_unless_one_is_chosen(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    other = person_result(PEOPLE[0], "f" * 64)
    write_result(folder, other.model_copy(update={"challenge": other.challenge.model_copy(
        update={"id": "pump-failure"})}))  # fmt: skip
    code, _, err = run(str(folder))
    assert code == 2
    assert err.count("\n") == 1 and "mixes results of 2 challenges" in err
    assert "--challenge" in err
    code, out, err = run(str(folder), "--challenge", "customer-churn")
    assert code == 0, err
    assert "1 results of other challenges left out" in out
    page = (folder / "cohort" / "cohort.html").read_text(encoding="utf-8")
    assert len(ROW.findall(page)) == len(PEOPLE)


def test_wide_and_long_csv_and_the_sidecar(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    written = build_cohort(folder, CohortOptions())
    wide = read_csv(written.out / WIDE_FILE)
    assert len(wide) == len(PEOPLE)
    header = list(wide[0])
    assert header[:7] == ["submission", "candidate", "contact", "file", "challenge",
                          "challenge_version", "total"]  # fmt: skip
    assert header[7:12] == list(DIMENSION_NAMES)
    expected = {"correctness.holdout", "trap", "holdout", "baseline", "reference.careful",
                "reference.naive", "flags", "review.correctness", "similar", "report"}  # fmt: skip
    assert expected <= set(header)
    assert all(re.fullmatch(r"[0-9a-f]{64}", row["submission"]) for row in wide)
    by_name = {row["candidate"]: row for row in wide}
    assert by_name["Katherine Johnson"]["contact"] == "'+1 555 0100"  # never a formula
    assert float(by_name["Ada Lovelace"]["total"]) == pytest.approx(0.9)
    assert by_name["Ada Lovelace"]["trap"] == "handled"
    sidecar = json.loads((written.out / COLUMNS_FILE).read_text(encoding="utf-8"))
    assert sidecar["columns"]["correctness"]["max"] == 1.0
    assert sidecar["columns"]["correctness.holdout"]["weight"] == 3
    assert set(sidecar["columns"]) <= set(header)
    long = read_csv(written.out / LONG_FILE)
    assert tuple(long[0]) == LONG_COLUMNS
    sha = by_name["Ada Lovelace"]["submission"]
    report = (folder / sha / "report.html").read_text(encoding="utf-8")
    findings = [r for r in long if r["submission"] == sha and r["check"]]
    assert findings and all(f'id="{r["evidence_anchor"]}"' in report for r in findings)
    holdout = [r for r in findings if r["check"] == "correctness.holdout"]
    assert [r["criterion"] for r in holdout] == ["holdout"]  # from the rubric


@pytest.mark.parametrize("key", ["total", "data_judgment", "name"])
def test_sort(tmp_path: Path, key: str) -> None:
    folder = cohort_folder(tmp_path / "batch")
    written = build_cohort(folder, CohortOptions(sort=key))
    names = [row["candidate"] for row in read_csv(written.out / WIDE_FILE)]
    if key == "name":
        assert names == sorted(p.name for p in PEOPLE)
    else:
        assert names == [p.name for p in sorted(PEOPLE, key=lambda p: -p.total)]
    page = written.page.read_text(encoding="utf-8")
    shown = [next(p.name for p in PEOPLE if p.name in row) for row in ROW.findall(page)]
    assert shown == names


def test_blind_output_holds_no_name_contact_or_file(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    code, out, err = run(str(folder), "--blind")
    assert code == 0, err
    blind = folder / "cohort-blind"
    files = [p for p in blind.rglob("*") if p.is_file()]
    assert len([p for p in files if p.parent.name == "reports"]) == len(PEOPLE)
    for path in files:
        text = path.read_text(encoding="utf-8")
        for term in every_identifier():
            found = re.search(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", text, re.I)
            assert found is None, f"{path.name} holds {term!r}"
        for sha in (p.name for p in folder.iterdir() if re.fullmatch(r"[0-9a-f]{64}", p.name)):
            assert sha not in text, f"{path.name} holds a submission id"
    assert "[name]" in (blind / "reports").iterdir().__next__().read_text(encoding="utf-8")
    for term in every_identifier():
        assert term not in out
    assert len(ROW.findall((blind / "cohort.html").read_text(encoding="utf-8"))) == len(PEOPLE)


def test_pseudonyms_are_stable_and_keyed(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    first = build_cohort(folder, CohortOptions(blind=True))
    key = folder / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    names = [row["candidate"] for row in read_csv(first.out / WIDE_FILE)]
    assert all(re.fullmatch(r"Candidate [0-9A-F]{4}", name) for name in names)
    again = build_cohort(folder, CohortOptions(blind=True, out=tmp_path / "again"))
    assert [row["candidate"] for row in read_csv(again.out / WIDE_FILE)] == names
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    (other / KEY_FILE).unlink()
    renamed = build_cohort(other, CohortOptions(blind=True))
    assert set(row["candidate"] for row in read_csv(renamed.out / WIDE_FILE)).isdisjoint(names)


def test_pseudonyms_never_collide() -> None:
    ids = [f"{n:064x}" for n in range(2000)]
    named = pseudonyms(b"k" * 32, ids)
    assert len(set(named.values())) == len(ids)
    assert named == pseudonyms(b"k" * 32, ids)


def test_an_unreadable_result_is_a_note(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch", PEOPLE[:2])
    (folder / "broken").mkdir()
    (folder / "broken" / "result.json").write_text("{not json", encoding="utf-8")
    (folder / "old").mkdir()
    (folder / "old" / "result.json").write_text('{"schema_version": "1.0"}', encoding="utf-8")
    code, out, err = run(str(folder))
    assert code == 0, err
    page = (folder / "cohort" / "cohort.html").read_text(encoding="utf-8")
    assert len(ROW.findall(page)) == 2
    for name in ("broken/result.json", "old/result.json"):
        assert name in page and name in out


def test_no_results_at_all_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path))
    assert code == 2 and "no readable result.json" in err


def test_a_check_nearly_everyone_fails_points_at_the_challenge(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    page = build_cohort(folder, CohortOptions()).page.read_text(encoding="utf-8")
    rates = page[page.index('id="checks"') :]
    flagged = re.findall(r'<tr class="points-at-challenge"><td>(.*?)</td>', rates, re.S)
    assert any("deploy.validation" in row for row in flagged)  # failed by every sample
    assert all(CHALLENGE_SENTENCE in row for row in flagged)
    assert not any("correctness.runs" in row for row in flagged)


def test_interviewer_scores_stand_beside_never_mixed(tmp_path: Path) -> None:
    folder = cohort_folder(tmp_path / "batch")
    wide = read_csv(build_cohort(folder, CohortOptions()).out / WIDE_FILE)
    before = {row["candidate"]: row for row in wide}
    result_path = folder / before["Ada Lovelace"]["submission"] / "result.json"
    review = write_review_template(result_path, rubric_for_result(read_result(result_path)))
    text = review.read_text(encoding="utf-8")
    text = text.replace('reviewer = ""', 'reviewer = "Margaret Hamilton"', 1)
    text = text.replace('reviewed = ""', 'reviewed = "2025-03-20"', 1)
    at = text.index("[deployment.operations]")
    text = text[:at] + text[at:].replace('level = ""', 'level = "weak"', 1)
    review.write_text(text, encoding="utf-8")
    written = build_cohort(folder, CohortOptions())
    after = {row["candidate"]: row for row in read_csv(written.out / WIDE_FILE)}
    ada = after["Ada Lovelace"]
    assert ada["reviewer"] == "Margaret Hamilton" and ada["reviewed"] == "2025-03-20"
    assert float(ada["review.deployment.operations"]) == 0.0
    assert float(ada["review.deployment"]) == 0.0
    assert ada["deployment"] == before["Ada Lovelace"]["deployment"]  # never mixed in
    assert after["Grace Hopper"]["reviewer"] == ""
    page = written.page.read_text(encoding="utf-8")
    assert "Margaret Hamilton" in page and "interviewer 0" in page
    long = read_csv(written.out / LONG_FILE)
    assert [r["criterion"] for r in long if r["source"] == "interviewer"] == ["operations"]
