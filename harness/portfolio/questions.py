"""The follow-up questions of a portfolio review: 6-10, each tied to this repository's evidence.

The bank is data (`questions.toml` beside this module): per signal, questions for each `state`
the signal can end in (`[signals."portfolio.serving".serves_model]`), and per take-home check,
for each status (`[signals."code.tests".fail]`). A state is what the evidence showed, and an
entry may also name facts (`harness/portfolio/facts.py`) that must hold (`requires`) or must
not (`unless`); several entries under one key are tried in order and the first whose premises
hold is asked. So "app/main.py serves the model with FastAPI: what happened the first time it
failed in production?" is asked only where routes were found, and nothing is said of a
Dockerfile a repository does not have. `{said}` is the part's own message, `{where}` the file
and lines of its first evidence. Per area the weakest part and then the strongest are asked
about (a gap to probe, a claim to verify), at most two an area while there is choice, then the
two questions every screen asks. The same result always gives the same guide.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from harness.errors import HarnessError
from harness.models import AgendaItem, Evidence, Finding, Followup, Question
from harness.portfolio.facts import PORTFOLIO_FACTS
from harness.portfolio.model import AreaName, Signal
from harness.portfolio.scoring import CHECK_AREAS
from harness.report.formats import where

BANK_FILE = "questions.toml"
FIXED = ("walkthrough", "authorship")
MIN_QUESTIONS, TARGET_QUESTIONS, MAX_QUESTIONS = 6, 8, 10
PER_AREA = 2
MAX_EVIDENCE = 3
TEXT_KEYS = frozenset({"question", "why", "strong", "weak"})
PREMISE_KEYS = frozenset({"requires", "unless"})
ASKED_FIRST: tuple[AreaName, ...] = ("deployment", "engineering", "observability", "data", "depth")


@dataclass(frozen=True)
class Entry:
    question: str
    why: str
    strong: str
    weak: str
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def holds(self, facts: Mapping[str, bool]) -> bool:
        held = {name for name, value in facts.items() if value}
        return set(self.requires) <= held and not set(self.unless) & held


@dataclass(frozen=True)
class Bank:
    fixed: Mapping[str, Entry]
    parts: Mapping[str, Mapping[str, tuple[Entry, ...]]]
    """Per signal or check id, per state (or status), its entries in the order tried."""


@dataclass(frozen=True)
class Part:
    """A signal or an applicable check, as the guide sees it."""

    id: str
    area: AreaName
    key: str
    """The state of a signal, the status of a check."""
    score: float
    message: str
    evidence: tuple[Evidence, ...]


def load_bank() -> Bank:
    """The bank; a broken entry (a key it does not know, an unknown fact) is an error naming
    it, at load time rather than half-way through a guide."""
    text = resources.files("harness.portfolio").joinpath(BANK_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    try:
        fixed = {name: _entry(data["fixed"][name]) for name in FIXED}
        parts = {
            part: {key: _entries(raw) for key, raw in keyed.items()}
            for part, keyed in data.get("signals", {}).items()
        }
    except (KeyError, TypeError, ValueError) as err:
        raise HarnessError(f"harness/portfolio/{BANK_FILE}: a broken entry ({err})") from err
    return Bank(fixed, parts)


def _entries(raw: object) -> tuple[Entry, ...]:
    return tuple(_entry(item) for item in raw) if isinstance(raw, list) else (_entry(raw),)


def _entry(raw: object) -> Entry:
    if not isinstance(raw, dict) or not TEXT_KEYS <= set(raw) <= TEXT_KEYS | PREMISE_KEYS:
        raise ValueError(f"an entry has {', '.join(sorted(TEXT_KEYS))} and maybe requires, unless")
    requires = tuple(str(name) for name in raw.get("requires", ()))
    unless = tuple(str(name) for name in raw.get("unless", ()))
    unknown = set(requires + unless) - PORTFOLIO_FACTS.keys()
    if unknown:
        raise ValueError(f"unknown facts {sorted(unknown)}")
    text = {key: str(raw[key]) for key in TEXT_KEYS}
    return Entry(text["question"], text["why"], text["strong"], text["weak"], requires, unless)


def build_followup(
    signals: Iterable[Signal], findings: Iterable[Finding], facts: Mapping[str, bool]
) -> Followup:
    bank = load_bank()
    asked = [(p, e) for p in _parts(signals, findings) if (e := _entry_for(bank, p, facts))]
    chosen = _choose([part for part, _ in asked])
    entries = dict((part.id, entry) for part, entry in asked)
    questions = [_ask(entries[part.id], part) for part in chosen]
    questions += [_ask(bank.fixed[name], None) for name in FIXED]
    return Followup(agenda=_agenda(len(chosen)), questions=tuple(questions))


def _entry_for(bank: Bank, part: Part, facts: Mapping[str, bool]) -> Entry | None:
    """The first entry for this part's state whose premises hold."""
    entries = bank.parts.get(part.id, {}).get(part.key, ())
    return next((entry for entry in entries if entry.holds(facts)), None)


def _parts(signals: Iterable[Signal], findings: Iterable[Finding]) -> list[Part]:
    """The scored signals and checks: a part with no score asks nothing."""
    found = [
        Part(s.id, s.area, s.state, s.score, s.message, s.evidence)
        for s in signals
        if s.score is not None
    ]
    for f in findings:
        if f.check in CHECK_AREAS and f.score is not None:
            area = CHECK_AREAS[f.check][0]
            found.append(Part(f.check, area, f.status, f.score, f.message, f.evidence))
    return found


def _choose(parts: list[Part]) -> list[Part]:
    """Per area the weakest part, then per area the strongest; then the rest to the
    target, worst first; at least the minimum whatever the areas."""
    wanted = TARGET_QUESTIONS - len(FIXED)
    order = sorted(parts, key=lambda p: (p.score, ASKED_FIRST.index(p.area), p.id))
    chosen: list[Part] = []
    for pick in (_weakest, _strongest):
        for area in ASKED_FIRST:
            part = pick(order, area, chosen)
            if part is not None and len(chosen) < wanted:
                chosen.append(part)
    for part in order:
        if len(chosen) >= max(wanted, MIN_QUESTIONS - len(FIXED)):
            break
        if part not in chosen:
            chosen.append(part)
    return chosen[: MAX_QUESTIONS - len(FIXED)]


def _weakest(order: list[Part], area: AreaName, chosen: list[Part]) -> Part | None:
    return next((p for p in order if p.area == area and p not in chosen and p.score < 0.75), None)


def _strongest(order: list[Part], area: AreaName, chosen: list[Part]) -> Part | None:
    if sum(1 for p in chosen if p.area == area) >= PER_AREA:
        return None
    candidates = [p for p in order if p.area == area and p not in chosen and p.score >= 0.5]
    return candidates[-1] if candidates else None


def _ask(entry: Entry, part: Part | None) -> Question:
    evidence = part.evidence[:MAX_EVIDENCE] if part else ()
    first = evidence[0] if evidence else None
    values = {"said": part.message if part else "", "where": where(first)}
    return Question(
        question=sentence_start(entry.question.format_map(values)),
        why=entry.why.format_map(values),
        evidence=evidence,
        strong_answer=entry.strong.format_map(values),
        weak_answer=entry.weak.format_map(values),
    )


def sentence_start(text: str) -> str:
    """A capital first letter, unless the sentence starts with a path or an identifier."""
    first = text.split(" ", 1)[0]
    if not text or not text[0].islower() or any(mark in first for mark in "/._"):
        return text
    return text[0].upper() + text[1:]


def _agenda(probing: int) -> tuple[AgendaItem, ...]:
    blocks = (
        (5, "Context: what this repository is, who used it, what they built themselves"),
        (10, "Walkthrough: the main system end to end, from the data to where it runs"),
        (15, f"Probing the evidence: questions 1-{probing}"),
        (
            10,
            f"Their best work, and what they wrote: questions {probing + 1}-{probing + 2}",
        ),
        (5, "Their questions for us"),
    )
    return tuple(AgendaItem(minutes=minutes, topic=topic) for minutes, topic in blocks)
