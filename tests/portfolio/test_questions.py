"""The question bank: every entry names a known part, state and fact, fills its placeholders,
and is never asked on a premise that does not hold; every review gets 6-10 questions."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

import pytest

from harness.models import FindingStatus
from harness.portfolio.facts import PORTFOLIO_FACTS
from harness.portfolio.questions import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    Bank,
    Entry,
    Part,
    _entry_for,
    load_bank,
)
from harness.portfolio.review import ReviewOptions, review_repository
from harness.portfolio.scoring import CHECK_AREAS, area_of
from harness.portfolio.signals import SIGNALS
from tests.portfolio import gitrepos

STATUSES: frozenset[FindingStatus] = frozenset({"pass", "partial", "fail"})


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def entries(bank: Bank) -> list[tuple[str, str, Entry]]:
    return [(p, k, e) for p, keyed in bank.parts.items() for k, es in keyed.items() for e in es]


def test_every_entry_names_a_known_signal_or_check(bank: Bank) -> None:
    for part, key, _ in entries(bank):
        assert part in SIGNALS or part in CHECK_AREAS, part
        if part in CHECK_AREAS:
            assert key in STATUSES, (part, key)
        assert area_of(part) is not None


def test_every_entry_fills_its_placeholders(bank: Bank) -> None:
    values = {"said": "app/main.py serves the model", "where": "app/main.py:3"}
    for entry in chain((e for _, _, e in entries(bank)), bank.fixed.values()):
        for text in (entry.question, entry.why, entry.strong, entry.weak):
            filled = text.format_map(values)
            assert "{" not in filled and "}" not in filled, text


def test_a_false_premise_never_asks_its_question(bank: Bank) -> None:
    """For each entry with premises: with every fact set against it, another entry (or none)
    is asked; with every fact set for it, it is asked unless an earlier entry also holds."""
    for part_id, key, entry in entries(bank):
        if not entry.requires and not entry.unless:
            continue
        part = Part(part_id, area_of(part_id) or "depth", key, 0.1, "said", ())
        against = {f: f in entry.unless for f in PORTFOLIO_FACTS}
        if entry.requires:
            against[entry.requires[0]] = False
        assert _entry_for(bank, part, against) is not entry, (part_id, key)
        held = {f: f in entry.requires for f in PORTFOLIO_FACTS}
        asked = _entry_for(bank, part, held)
        assert asked is not None and asked.holds(held), (part_id, key)


def test_a_repository_with_almost_nothing_still_gets_a_guide(tmp_path: Path) -> None:
    repo = gitrepos.init(tmp_path / "empty-ish")
    repo.commit("readme", gitrepos.START, {"README.md": "# Notes\n\nSome notes.\n"})
    result = review_repository(str(repo.root), ReviewOptions(out=tmp_path, run_tests=False),
                               lambda _line: None).result  # fmt: skip
    questions = result.followup.questions
    assert MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS
    said = " ".join(q.question for q in questions)
    for premise in ("Dockerfile", "serves the model", "The tests ran", "these predictions"):
        assert premise not in said, premise
    assert [a.minutes for a in result.followup.agenda] == [5, 10, 15, 10, 5]
