"""The follow-up guide: its agenda, the questions chosen from the bank, and the bank itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.models import Evidence, Finding, Result, TrapVerdict
from harness.report import build_followup
from harness.report.bank import load_bank
from tests.report.sample import CHALLENGE, REPO, sample_result

FIXED = (
    "What would you change if this were going into production tomorrow?",
    "What is the most likely failure mode of this system at 10x the data volume?",
)
CHALLENGES = ("customer-churn", "equipment-resale", "pump-failure")
CHECKS_WITH_QUESTIONS = (
    "correctness.runs", "correctness.contract", "correctness.holdout", "code.lint",
    "code.complexity", "code.structure", "code.typing", "code.tests", "code.notebooks",
    "code.hygiene", "deploy.dockerfile", "deploy.serving", "deploy.probe", "deploy.validation",
    "deploy.artifacts", "deploy.operations", "trap.estimate", "trap.writeup",
    "judgment.validation", "judgment.assumptions", "comms.structure", "comms.claims",
)  # fmt: skip
"""Every check id a question can come from (trap.behaviour and trap.code feed the trap's own)."""


def trap_questions(result: Result) -> list[str]:
    """The questions asked before the first check question: the trap's."""
    bank = load_bank(CHALLENGE)
    return [q.question for q in result.followup.questions][: len(bank.trap[result.trap.verdict])]


@pytest.mark.parametrize("verdict", ["handled", "missed", "noticed_not_handled", "unknown"])
def test_a_guide_has_6_to_10_questions_with_the_two_fixed(verdict: TrapVerdict) -> None:
    result = sample_result(verdict)
    questions = [q.question for q in result.followup.questions]
    assert 6 <= len(questions) <= 10
    assert all(fixed in questions for fixed in FIXED)
    assert len(set(questions)) == len(questions)


@pytest.mark.parametrize("verdict", ["handled", "missed"])
def test_every_question_has_evidence_or_is_fixed(verdict: TrapVerdict) -> None:
    for question in sample_result(verdict).followup.questions:
        assert question.evidence or question.question in FIXED, question.question
        assert question.why and question.strong_answer and question.weak_answer
        assert "{" not in question.question + question.why, "a placeholder left unfilled"


def test_evidence_is_copied_from_the_findings() -> None:
    result = sample_result("missed")
    known = {e for f in result.findings for e in f.evidence} | set(result.trap.evidence)
    for question in result.followup.questions:
        if question.question != FIXED[1]:
            assert set(question.evidence) <= known


@pytest.mark.parametrize("verdict", ["handled", "missed"])
def test_the_agenda_takes_45_minutes(verdict: TrapVerdict) -> None:
    agenda = sample_result(verdict).followup.agenda
    assert sum(item.minutes for item in agenda) == 45
    assert len(agenda) >= 4


def test_falling_into_the_trap_is_asked_about_differently() -> None:
    handled, missed = sample_result("handled"), sample_result("missed")
    assert set(trap_questions(handled)).isdisjoint(trap_questions(missed))
    assert "retention_calls" in trap_questions(missed)[0]
    assert "starting with the trap" in " ".join(a.topic for a in missed.followup.agenda)


def test_the_same_result_gives_the_same_guide() -> None:
    result = sample_result("missed", with_followup=False)
    assert build_followup(result, CHALLENGE) == build_followup(result, CHALLENGE)


def test_a_crashed_check_is_never_asked_about() -> None:
    result = sample_result("missed")
    crashed = next(f for f in result.findings if f.status == "error")
    asked = {e for q in result.followup.questions for e in q.evidence}
    assert not asked & set(crashed.evidence)


def test_worst_findings_are_asked_first() -> None:
    result = sample_result("handled")
    by_evidence = {e: f for f in result.findings for e in f.evidence}
    trap_count = len(trap_questions(result))
    statuses = [
        by_evidence[q.evidence[0]].status
        for q in result.followup.questions[trap_count:-2]
        if q.evidence and q.evidence[0] in by_evidence
    ]
    assert statuses[0] == "fail" and statuses == sorted(
        statuses, key=["fail", "partial", "pass"].index
    )


def test_without_a_challenge_bank_the_trap_questions_are_generic() -> None:
    result = sample_result("missed", with_followup=False)
    guide = build_followup(result, None)
    assert "a column recorded after the outcome" in guide.questions[0].question
    assert 6 <= len(guide.questions) <= 10


def test_a_result_without_findings_still_gets_the_fixed_questions() -> None:
    result = sample_result("unknown", with_followup=False).model_copy(update={"findings": ()})
    guide = build_followup(result, CHALLENGE)
    assert [q.question for q in guide.questions][-2:] == list(FIXED)
    assert sum(item.minutes for item in guide.agenda) == 45


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_each_challenge_asks_about_its_own_trap(challenge: str) -> None:
    bank = load_bank(REPO / "challenges" / challenge)
    assert set(bank.trap) == {"handled", "noticed_not_handled", "missed", "unknown"}
    words = {"customer-churn": "retention_calls", "equipment-resale": "dealer",
             "pump-failure": "pump"}[challenge]  # fmt: skip
    assert words in bank.trap["missed"][0].question
    assert bank.trap["missed"][0].question != bank.trap["handled"][0].question


def test_the_bank_covers_every_check_both_ways() -> None:
    bank = load_bank(None)
    for check in CHECKS_WITH_QUESTIONS:
        variants = bank.checks[check]
        assert "pass" in variants or check == "comms.length", check
        assert "fail" in variants or "default" in variants, check


def test_a_question_about_a_failed_run_is_asked() -> None:
    result = sample_result("handled", with_followup=False)
    log = Evidence(kind="log", path="train", excerpt="KeyError: 'churn'")
    failed = Finding(check="correctness.runs", dimension="correctness", status="fail", score=0.0,
                     message="train exited with 1", evidence=(log,))  # fmt: skip
    result = result.model_copy(update={"findings": (failed, *result.findings[1:])})
    questions = [q.question for q in build_followup(result, CHALLENGE).questions]
    assert any("did not run cleanly" in q for q in questions)


def write_bank(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "questions.toml").write_text(text, encoding="utf-8")
    return folder


ENTRY = 'question = "Q?"\nwhy = "W"\nstrong = "S"\nweak = "K"\n'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[trap.missed]\n", "not valid TOML"),
        ("[[trap.missed]]\n" + ENTRY.replace('weak = "K"\n', ""), "trap.missed[0] has no 'weak'"),
        ("[[trap.caught]]\n" + ENTRY, "unknown key 'caught' in [trap]"),
        ('[checks."code.lint".sometimes]\n' + ENTRY, "unknown key 'sometimes'"),
        ("[[trap.missed]]\n" + ENTRY.replace("Q?", "About {nothing}?"),
         "trap.missed[0].question uses {nothing}"),
        ("[[trap.missed]]\n" + ENTRY + "evidence = 3\n", "trap.missed[0].evidence"),
        ("[[trap.missed]]\n" + ENTRY.replace('"W"', '""'), "trap.missed[0].why must be"),
    ],
)  # fmt: skip
def test_a_broken_bank_names_its_file_and_key(tmp_path: Path, text: str, problem: str) -> None:
    folder = write_bank(tmp_path / "my-challenge", text)
    with pytest.raises(HarnessError) as caught:
        load_bank(folder)
    message = caught.value.one_line()
    assert str(folder / "questions.toml") in message and problem in message, message


def test_a_challenge_bank_overrides_a_check_question(tmp_path: Path) -> None:
    folder = write_bank(tmp_path / "c", '[checks."deploy.validation".fail]\n' + ENTRY)
    bank = load_bank(folder)
    assert bank.checks["deploy.validation"]["fail"][0].question == "Q?"
    assert bank.checks["deploy.validation"]["pass"][0].question != "Q?"
    assert bank.fixed["production"].question == FIXED[0]


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_each_challenge_guide_differs_by_verdict(challenge: str) -> None:
    folder = REPO / "challenges" / challenge
    guides = {
        verdict: build_followup(sample_result(verdict, with_followup=False), folder)
        for verdict in ("handled", "missed")
    }
    for guide in guides.values():
        questions = [q.question for q in guide.questions]
        assert 6 <= len(questions) <= 10 and all(f in questions for f in FIXED)
    assert guides["handled"].questions[0] != guides["missed"].questions[0]
