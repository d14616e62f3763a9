"""`review.toml`: the template from a real graded result, filled in by editing its text, read
back against the customer-churn rubric; every broken file names the file and the line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.errors import HarnessError
from harness.models import DIMENSION_NAMES
from harness.report.render import read_result
from harness.review import (
    LEVEL_NAMES,
    REVIEW_FILE,
    CriterionReview,
    Review,
    read_review,
    review_scores,
    review_template,
    rubric_for_result,
    write_review_template,
)
from harness.review.tomltext import comment_text
from harness.rubric import Rubric
from tests.report.sample import hostile_result, sample_result
from tests.review.filling import fill, graded_folder, write_filled


@pytest.fixture
def result_json(tmp_path: Path) -> Path:
    return graded_folder(tmp_path)


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return rubric_for_result(sample_result("handled"))


def every_criterion(rubric: Rubric) -> list[tuple[str, str]]:
    return [(name, c.id) for name, criteria in rubric.dimensions.items() for c in criteria]


def test_template_lists_the_criteria_left_to_the_interviewer_first(
    result_json: Path, rubric: Rubric
) -> None:
    result = read_result(result_json)
    path = write_review_template(result_json, rubric)
    assert path == result_json.with_name(REVIEW_FILE)
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["reviewer"] == "" and data["reviewed"] == ""
    assert data["submission"] == result.submission.id
    for name, criterion in every_criterion(rubric):
        assert data[name][criterion] == {"level": "", "notes": ""}
    scored = {
        (name, c.id)
        for name in DIMENSION_NAMES
        for c in result.dimensions[name].criteria
        if c.automatic
    }
    manual = [key for key in every_criterion(rubric) if key not in scored]
    assert manual, "the sample leaves criteria to the interviewer"
    headers = [line.strip("[]") for line in text.splitlines() if line.startswith("[")]
    assert [tuple(h.split(".")) for h in headers[: len(manual)]] == manual
    left, rest = text.split("Scored by the checks")
    for name, criterion in manual:
        assert f"[{name}.{criterion}]" in left
        descriptors = next(c for c in rubric.dimensions[name] if c.id == criterion)  # type: ignore[index]
        assert " ".join(descriptors.strong.split()[:4]) in " ".join(left.split())
    assert "automatic: " in rest
    for question in result.followup.questions:
        assert " ".join(question.question.split()[:5]) in " ".join(text.split())


def test_an_untouched_template_reads_as_an_empty_review(result_json: Path, rubric: Rubric) -> None:
    write_review_template(result_json, rubric)
    review = read_review(result_json, rubric)
    assert review is not None and review.filled == ()
    assert len(review.criteria) == len(every_criterion(rubric))
    assert all(score is None for score in review_scores(review).values())


def test_no_review_reads_as_none(result_json: Path, rubric: Rubric) -> None:
    assert read_review(result_json, rubric) is None


def test_round_trip_keeps_every_criterion_and_level(result_json: Path, rubric: Rubric) -> None:
    criteria = every_criterion(rubric)
    levels = {
        key: (LEVEL_NAMES[i % 3], f'note {i}: "quoted" \\ back\nslash')
        for i, key in enumerate(criteria)
    }
    write_filled(result_json, levels, reviewer="Grace Hopper", reviewed="2025-03-20",
                 notes="Asked about the leak; a convincing answer.")  # fmt: skip
    review = read_review(result_json, rubric)
    assert review is not None
    assert review.reviewer == "Grace Hopper" and review.reviewed == "2025-03-20"
    assert review.notes.strip() == "Asked about the leak; a convincing answer."
    assert [(c.dimension, c.criterion) for c in review.criteria] == criteria
    for c in review.criteria:
        level, note = levels[(c.dimension, c.criterion)]
        assert (c.level, c.notes) == (level, note)
        assert c.score == {"strong": 1.0, "adequate": 0.5, "weak": 0.0}[level]
    assert len(review.filled) == len(criteria)


def test_the_interviewers_scores_are_weighted_means_of_their_levels(
    result_json: Path, rubric: Rubric
) -> None:
    write_filled(
        result_json,
        {("correctness", "runs"): ("strong", ""), ("correctness", "holdout"): ("adequate", "")},
        reviewer="G",
        reviewed="2025-03-20",
    )
    review = read_review(result_json, rubric)
    assert review is not None
    weights = {c.id: c.weight for c in rubric.dimensions["correctness"]}
    expected = (weights["runs"] * 1.0 + weights["holdout"] * 0.5) / (
        weights["runs"] + weights["holdout"]
    )
    scores = review_scores(review)
    assert list(scores) == list(DIMENSION_NAMES)
    assert scores["correctness"] == pytest.approx(expected)
    assert scores["code_quality"] is None


def test_review_scores_of_a_review_built_in_code() -> None:
    review = Review(
        reviewer="G",
        reviewed="2025-03-20T10:00",
        criteria=(
            CriterionReview("deployment", "serving", "weak", 0.0, ""),
            CriterionReview("deployment", "operations", None, None, ""),
        ),
        notes="",
    )
    assert [c.criterion for c in review.filled] == ["serving"]
    assert review_scores(review)["deployment"] == 0.0


def test_a_score_within_the_levels_band_is_kept(result_json: Path, rubric: Rubric) -> None:
    path = write_filled(result_json, {("correctness", "runs"): ("adequate", "")},
                        reviewer="G", reviewed="2025-03-20")  # fmt: skip
    text = path.read_text(encoding="utf-8").replace(
        'level = "adequate"', 'level = "adequate"\nscore = 0.6', 1
    )
    path.write_text(text, encoding="utf-8")
    review = read_review(result_json, rubric)
    assert review is not None and review.filled[0].score == 0.6


def test_a_bare_toml_date_is_accepted(result_json: Path, rubric: Rubric) -> None:
    path = write_filled(result_json, {("correctness", "runs"): ("weak", "")}, reviewer="G")
    text = path.read_text(encoding="utf-8").replace('reviewed = ""', "reviewed = 2025-03-20", 1)
    path.write_text(text, encoding="utf-8")
    review = read_review(result_json, rubric)
    assert review is not None and review.reviewed == "2025-03-20"


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def broken(result_json: Path, rubric: Rubric, old: str, new: str) -> tuple[Path, str]:
    """The filled template with `old` replaced by `new` once, and the error reading it."""
    path = write_filled(
        result_json,
        {("communication", "writeup"): ("strong", "clear")},
        reviewer="Grace",
        reviewed="2025-03-20",
    )
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        read_review(result_json, rubric)
    return path, caught.value.one_line()


def test_an_unknown_level_names_the_file_and_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'level = "strong"', 'level = "excellent"')
    assert error.startswith(f"{path}:{line_of(path, 'excellent')}: ")
    assert "unknown level 'excellent'" in error and "strong, adequate, weak" in error


def test_an_unknown_criterion_names_the_file_and_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, "[communication.writeup]", "[communication.prose]")
    assert error.startswith(f"{path}:{line_of(path, '[communication.prose]')}: ")
    assert "unknown criterion communication.prose" in error


def test_an_unknown_dimension_names_the_file_and_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, "[communication.writeup]", "[style.writeup]")
    assert error.startswith(f"{path}:{line_of(path, '[style.writeup]')}: ")
    assert "unknown table 'style'" in error


def test_bad_toml_names_the_file_and_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'notes = "clear"', 'notes = "clear')
    line = line_of(path, 'notes = "clear')
    assert error.startswith(f"{path}:{line}: ")
    assert "not valid TOML" in error


def test_levels_without_a_reviewer_name_the_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'reviewer = "Grace"', 'reviewer = ""')
    assert error.startswith(f"{path}:{line_of(path, 'reviewer =')}: reviewer: missing")


def test_a_date_that_is_not_one_names_the_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(
        result_json, rubric, 'reviewed = "2025-03-20"', 'reviewed = "last Tuesday"'
    )
    assert error.startswith(f"{path}:{line_of(path, 'reviewed =')}: reviewed:")


def test_a_score_outside_the_levels_band_names_the_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'level = "strong"', 'level = "strong"\nscore = 0.3')
    assert error.startswith(f"{path}:{line_of(path, 'score = 0.3')}: ")
    assert "outside the strong band" in error


def test_an_unknown_key_in_a_criterion_names_the_line(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'notes = "clear"', 'notes = "clear"\ngrade = "A"')
    assert error.startswith(f"{path}:{line_of(path, 'grade = ')}: ")


def test_a_review_of_another_submission_is_refused(result_json: Path, rubric: Rubric) -> None:
    path, error = broken(result_json, rubric, 'submission = "', 'submission = "0000')
    assert error.startswith(f"{path}:{line_of(path, 'submission =')}: submission:")


def test_a_filled_review_is_never_overwritten(result_json: Path, rubric: Rubric) -> None:
    path = write_filled(result_json, {("correctness", "runs"): ("weak", "")},
                        reviewer="G", reviewed="2025-03-20")  # fmt: skip
    before = path.read_bytes()
    with pytest.raises(HarnessError, match="never overwritten"):
        write_review_template(result_json, rubric)
    assert path.read_bytes() == before


def test_writing_the_template_twice_is_harmless(result_json: Path, rubric: Rubric) -> None:
    first = write_review_template(result_json, rubric).read_bytes()
    assert write_review_template(result_json, rubric).read_bytes() == first


def test_candidate_text_cannot_break_out_of_the_template(tmp_path: Path, rubric: Rubric) -> None:
    result = hostile_result()
    evil = 'x"\n[correctness.runs]\nlevel = "strong"\r\n\u202e\x1b[31m'
    submission = result.submission.model_copy(update={"candidate": evil, "file": evil})
    text = review_template(result.model_copy(update={"submission": submission}), rubric)
    data = tomllib.loads(text)
    assert data["correctness"]["runs"]["level"] == ""
    assert "\u202e" not in text and "\x1b" not in text and "\r" not in text
    assert comment_text(evil) in text  # the name is still there, flattened into its comment


def test_cli_writes_then_checks_the_review(result_json: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["review", str(result_json)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"wrote {result_json.with_name(REVIEW_FILE)}")
    again = runner.invoke(cli, ["review", str(result_json)])
    assert again.exit_code == 0 and "valid, no criterion has a level yet" in again.output
    path = result_json.with_name(REVIEW_FILE)
    path.write_text(
        fill(path.read_text(encoding="utf-8"), {("deployment", "operations"): ("weak", "")},
             reviewer="Grace", reviewed="2025-03-20"),
        encoding="utf-8",
    )  # fmt: skip
    filled = runner.invoke(cli, ["review", str(result_json)])
    assert (
        filled.exit_code == 0
        and "1 of" in filled.output
        and "by Grace on 2025-03-20" in filled.output
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace('level = "weak"', 'level = "meh"'),
        encoding="utf-8",
    )
    bad = runner.invoke(cli, ["review", str(result_json)])
    assert bad.exit_code == 2
    assert f"{path}:{line_of(path, 'meh')}: " in bad.output and "Traceback" not in bad.output


def test_cli_refuses_a_result_of_an_unknown_challenge(tmp_path: Path) -> None:
    result = sample_result("handled")
    other = result.model_copy(
        update={"challenge": result.challenge.model_copy(update={"id": "nope"})}
    )
    saved = tmp_path / "result.json"
    saved.write_text(other.to_json(), encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["review", str(saved)])
    assert outcome.exit_code == 2 and "no challenge 'nope'" in outcome.output
    assert not (tmp_path / REVIEW_FILE).exists()
