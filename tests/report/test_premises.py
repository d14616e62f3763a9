"""No follow-up question rests on a premise its result does not hold.

Exhaustive over the question banks: for every entry of the harness's bank and of every
challenge's, a result in which any one of its premises is false never produces it, and a
result in which its premises hold (and the entries tried before it do not apply) does. The
words of a question are held to its premises too: "Your Dockerfile" needs `dockerfile`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.models import FACTS, Evidence, Finding, FindingStatus, Metrics, Result, TrapVerdict
from harness.report import build_followup
from harness.report.bank import Entry, load_bank
from harness.report.followup import _variant
from harness.report.premises import KNOWN, METRIC_FACTS, holds, true_facts
from tests.report.sample import REPO, sample_result

BANKS: dict[str, Path | None] = {
    "harness": None,
    **{name: REPO / "challenges" / name for name in ("customer-churn", "equipment-resale",
                                                       "pump-failure")},
}  # fmt: skip
WORDS = {
    r"\byour dockerfile\b": "dockerfile",
    r"\byour service\b": "serve_declared",
    r"\byour write-up\b|\bin the write-up\b": "writeup",
    r"\byour notebook\b|\bin the notebook\b": "notebooks",
    r"\byour predictions\b": "predictions",
    r"\bthe model still\b": "leans_in_behaviour",
    r"\byour tests passed\b": "tests",
}
"""Words that take a fact for granted, and the fact."""
STRONGER = {
    "leans_in_behaviour": {"leans_in_behaviour", "leans_in_code"},
    "serve_declared": {"serve_declared", "service_started", "service_answered"},
}
"""Facts that each imply the one the words take for granted."""


def _entries() -> Iterator[tuple[str, str, str, int, Entry]]:
    """(bank, kind, key, position, entry) for every entry of every bank; kind is the check
    id or `trap`, key the status or verdict."""
    for name, folder in BANKS.items():
        bank = load_bank(folder)
        for check, variants in bank.checks.items():
            for status, entries in variants.items():
                for index, entry in enumerate(entries):
                    yield name, check, status, index, entry
        for verdict, trap_entries in bank.trap.items():
            for index, entry in enumerate(trap_entries):
                yield name, "trap", verdict, index, entry


ENTRIES = list(_entries())
IDS = [f"{b}:{k}:{s}:{i}" for b, k, s, i, _ in ENTRIES]


def _result(kind: str, key: str, held: set[str]) -> Result:
    """A result whose only finding (or whose trap verdict) selects this entry, with exactly
    the premises in `held` true."""
    base = sample_result("handled", with_followup=False)
    metrics = Metrics(
        metric="roc_auc",
        holdout=0.71,
        baseline=0.5 if "baseline_measured" in held else None,
        references={
            "careful": 0.8 if "careful_recorded" in held else None,
            "naive": 0.9 if "naive_recorded" in held else None,
        },
        estimate=base.metrics.estimate,
    )
    facts = {name: name in held for name in FACTS}
    findings: tuple[Finding, ...] = ()
    verdict: TrapVerdict = "unknown"
    if kind == "trap":
        verdict = key  # type: ignore[assignment]
    else:
        findings = (_finding(kind, key),)
    trap = base.trap.model_copy(update={"verdict": verdict})
    return base.model_copy(
        update={"findings": findings, "metrics": metrics, "facts": facts, "trap": trap}
    )


def _finding(check: str, status: str) -> Finding:
    shown: FindingStatus = "fail" if status == "default" else status  # type: ignore[assignment]
    score = {"pass": 1.0, "partial": 0.5, "skipped": None}.get(shown, 0.0)
    proof = Evidence(kind="text", path="src/app.py", lines=(3, 4), excerpt="x = 1")
    return Finding(check=check, dimension=_dimension(check), status=shown, score=score,
                   message="m", evidence=(proof,))  # fmt: skip


def _dimension(check: str) -> str:
    prefix = check.split(".")[0]
    return {"correctness": "correctness", "code": "code_quality", "deploy": "deployment",
            "trap": "data_judgment", "judgment": "data_judgment",
            "comms": "communication", "api": "deployment"}[prefix]  # fmt: skip


def _asked(entry: Entry, result: Result, folder: Path | None) -> bool:
    """Whether the guide asks this entry. A check's entry can only come from its finding's
    variant (trap questions may take a check's place in the guide, so the variant is the
    exact test); a trap entry is looked for in the whole guide."""
    if result.findings:
        return _variant(load_bank(folder), result.findings[0], result) == entry
    pattern = _template(entry.question)
    return any(pattern.fullmatch(q.question) for q in build_followup(result, folder).questions)


def _template(text: str) -> re.Pattern[str]:
    parts = [re.escape(literal) + (".*?" if name is not None else "")
             for literal, name, _, _ in string.Formatter().parse(text)]  # fmt: skip
    return re.compile("".join(parts), re.S)


def _siblings(bank: str, kind: str, key: str) -> tuple[Entry, ...]:
    loaded = load_bank(BANKS[bank])
    if kind == "trap":
        return loaded.trap[key]
    return loaded.checks[kind][key]


def _reachable(bank: str, kind: str, key: str, index: int, entry: Entry) -> set[str] | None:
    """Premises under which this entry, not an earlier one of its list, is chosen."""
    held = set(KNOWN) - set(entry.unless)
    fixed = set(entry.requires) | set(entry.unless)
    for earlier in _siblings(bank, kind, key)[:index] if kind != "trap" else ():
        if not holds(earlier.requires, earlier.unless, frozenset(held)):
            continue
        flip = next(iter(sorted(set(earlier.requires) - fixed)), None)
        if flip is not None:
            held.discard(flip)
            continue
        flip = next(iter(sorted(set(earlier.unless) - fixed)), None)
        if flip is None:
            return None
        held.add(flip)
    return held


@pytest.mark.parametrize(("bank", "kind", "key", "index", "entry"), ENTRIES, ids=IDS)
def test_a_false_premise_never_produces_the_question(
    bank: str, kind: str, key: str, index: int, entry: Entry
) -> None:
    folder = BANKS[bank]
    held = _reachable(bank, kind, key, index, entry)
    assert held is not None, "an earlier entry of its list always wins: this one is dead"
    assert _asked(entry, _result(kind, key, held), folder), "its premises hold, yet not asked"
    for premise in entry.requires:
        assert not _asked(entry, _result(kind, key, held - {premise}), folder), premise
    for premise in entry.unless:
        assert not _asked(entry, _result(kind, key, held | {premise}), folder), premise


@pytest.mark.parametrize(("bank", "kind", "key", "index", "entry"), ENTRIES, ids=IDS)
def test_the_words_of_a_question_are_among_its_premises(
    bank: str, kind: str, key: str, index: int, entry: Entry
) -> None:
    for words, fact in WORDS.items():
        if re.search(words, entry.question, re.I):
            assert STRONGER.get(fact, {fact}) & set(entry.requires), (words, entry.question)


def test_placeholders_imply_their_premises() -> None:
    bank = load_bank(None)
    holdout = bank.checks["correctness.holdout"]["default"]
    assert {"holdout_measured", "baseline_measured", "careful_recorded"} <= set(holdout[0].requires)
    assert "careful_recorded" not in holdout[1].requires


def test_an_old_result_without_facts_asks_nothing_that_needs_one() -> None:
    result = sample_result("handled", with_followup=False).model_copy(update={"facts": {}})
    assert true_facts(result) <= set(METRIC_FACTS)
    questions = [q.question for q in build_followup(result, None).questions]
    assert not any(re.search("|".join(WORDS), q, re.I) for q in questions), questions
    assert len(questions) >= 2
