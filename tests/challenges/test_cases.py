"""The calibration suite's reader and judge: expectations read strictly, misses named."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.challenges.cases import Case, grade_cases, judge_case, load_expectation
from harness.errors import HarnessError, IntakeError
from harness.models import Result
from tests.report.sample import sample_result

EXPECTED = """\
description = "a careful model"
[expect]
trap = ["handled"]
[expect.dimensions]
correctness = [0.5, 1.0]
data_judgment = [0.95, 1.0]
[expect.checks]
"code.lint" = ["pass"]
[expect.questions]
absent = ["What would you change"]
"""


def _case(tmp_path: Path, text: str) -> Case:
    (tmp_path / "expected.toml").write_text(text, encoding="utf-8")
    return Case("c", tmp_path, load_expectation(tmp_path / "expected.toml"))


def test_a_result_outside_its_expectation_names_each_miss(tmp_path: Path) -> None:
    case = _case(tmp_path, EXPECTED)
    result = sample_result("missed")
    outcome = judge_case(case, result)
    assert not outcome.ok
    text = "\n".join(outcome.misses)
    assert "trap missed, expected handled" in text
    assert "data_judgment" in text
    assert "a follow-up question holds 'What would you change'" in text


def test_a_result_inside_its_expectation_is_ok(tmp_path: Path) -> None:
    result = sample_result("handled")
    scores = {name: dim.score for name, dim in result.dimensions.items()}
    bands = "\n".join(
        f"{name} = [{max(0.0, s - 0.01):.2f}, {min(1.0, s + 0.01):.2f}]"
        for name, s in scores.items()
        if s is not None
    )
    statuses = {f.check: f.status for f in result.findings}
    text = (
        f'[expect]\ntrap = "handled"\n[expect.dimensions]\n{bands}\n'
        f'[expect.checks]\n"code.lint" = ["{statuses["code.lint"]}"]\n'
        '[expect.questions]\nabsent = ["no such words"]\n'
    )
    assert judge_case(_case(tmp_path, text), result).misses == ()


def test_a_case_that_cannot_be_graded_is_a_miss_and_the_next_is_still_graded(
    tmp_path: Path,
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "fine").mkdir()
    empty, fine = _case(tmp_path / "empty", EXPECTED), _case(tmp_path / "fine", EXPECTED)
    graded: list[str] = []

    def grader(folder: Path, _scratch: Path) -> Result:
        graded.append(folder.name)
        if folder.name == "empty":
            raise IntakeError("the zip is empty", hint="zip the folder that holds it")
        return sample_result("handled")

    outcomes = grade_cases([empty, fine], grader)
    assert graded == ["empty", "fine"]
    assert outcomes[0].verdict == "not graded" and not outcomes[0].ok
    assert "the zip is empty" in outcomes[0].misses[0]
    assert set(outcomes[0].scores) == set(outcomes[1].scores)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[expect]\n", "expect.trap must list verdicts"),
        ('[expect]\ntrap = "great"\n', "expect.trap must list verdicts"),
        ('[expect]\ntrap = "handled"\n[expect.dimensions]\ncharm = [0, 1]\n', "charm"),
        ('[expect]\ntrap = "handled"\n[expect.dimensions]\ncorrectness = [1, 0]\n', "correct"),
        ("[expect\n", "cannot read it"),
        ("description = 'x'\n", "[expect] must be a table"),
    ],
)
def test_a_broken_expectation_names_its_file(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(HarnessError) as caught:
        _case(tmp_path, text)
    message = caught.value.one_line()
    assert "expected.toml" in message and problem in message, message
