"""The 45-minute follow-up guide: a timed agenda and 6-10 questions tied to the evidence.

Questions come from the bank (`bank.py`), chosen by what the findings show: the trap's
questions by its verdict first, then a question per check, worst findings first and at most
two per dimension while there is choice, then the two questions every interview asks. Each
question carries the evidence of the finding it came from. The same result always gives the
same guide: nothing here depends on time, randomness or the order of dictionary keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.models import (
    AgendaItem,
    Evidence,
    Finding,
    Followup,
    Question,
    Result,
)
from harness.report.bank import FIXED_IDS, Bank, Entry, load_bank
from harness.report.formats import PRIORITY, megabytes, number, seconds, where
from harness.report.premises import holds, true_facts

MIN_QUESTIONS = 6
TARGET_QUESTIONS = 8
MAX_QUESTIONS = 10
TRAP_QUESTIONS = 2
PER_DIMENSION = 2
MAX_EVIDENCE = 3

STATUS_RANK = {"fail": 0, "partial": 1, "pass": 2, "skipped": 3, "error": 4}


def build_followup(result: Result, challenge_folder: Path | None) -> Followup:
    """The guide for this result; `challenge_folder` holds the challenge's `questions.toml`."""
    bank = load_bank(challenge_folder)
    trap_entries = _trap_entries(result, bank)
    trap = tuple(_ask(entry, _sourced(result, entry), result) for entry in trap_entries)
    fixed = tuple(_ask(entry, _sourced(result, entry), result) for entry in _fixed(bank))
    asked = len(trap) + len(fixed)
    covered = {source for entry in trap_entries for source in entry.evidence}
    wanted, minimum = TARGET_QUESTIONS - asked, MIN_QUESTIONS - asked
    checks = _check_questions(result, bank, covered, wanted, minimum)
    checks = checks[: MAX_QUESTIONS - asked]
    return Followup(
        agenda=_agenda(result, len(trap) + len(checks)),
        questions=(*trap, *checks, *fixed),
    )


def _trap_entries(result: Result, bank: Bank) -> tuple[Entry, ...]:
    """The trap questions of its verdict whose premises hold, at most `TRAP_QUESTIONS`."""
    entries = bank.trap.get(result.trap.verdict, ())
    return tuple(e for e in entries if _premised(e, result))[:TRAP_QUESTIONS]


def _premised(entry: Entry, result: Result) -> bool:
    """Whether every fact the question takes for granted holds (`premises.py`)."""
    return holds(entry.requires, entry.unless, true_facts(result))


def _fixed(bank: Bank) -> tuple[Entry, ...]:
    return tuple(bank.fixed[key] for key in FIXED_IDS)


def _check_questions(
    result: Result, bank: Bank, covered: set[str], wanted: int, minimum: int
) -> tuple[Question, ...]:
    """One question per check id, worst findings first; a dimension cap while there is choice.

    Checks whose evidence a trap question already shows (`covered`) are not asked about
    twice. Findings with evidence come first; one without is asked about only to reach the
    minimum.
    """
    findings = [f for f in _worst_first(result.findings) if f.check not in covered]
    candidates = [(f, e) for f in findings if (e := _variant(bank, f, result))]
    with_evidence = [(f, e) for f, e in candidates if f.evidence]
    chosen = _pick(with_evidence, wanted, PER_DIMENSION)
    chosen = _pick(with_evidence, wanted, None, chosen)
    chosen = _pick(candidates, minimum, None, chosen)
    return tuple(_ask(entry, finding.evidence[:MAX_EVIDENCE], result) for finding, entry in chosen)


Choice = tuple[Finding, Entry]


def _pick(
    candidates: list[Choice],
    wanted: int,
    per_dimension: int | None,
    chosen: list[Choice] | None = None,
) -> list[Choice]:
    """Add candidates in order until `wanted`, skipping checks already asked about."""
    picked = list(chosen or [])
    asked = {finding.check for finding, _ in picked}
    for finding, entry in candidates:
        if len(picked) >= wanted:
            break
        same = sum(1 for f, _ in picked if f.dimension == finding.dimension)
        if finding.check in asked or (per_dimension is not None and same >= per_dimension):
            continue
        picked.append((finding, entry))
        asked.add(finding.check)
    return picked


def _worst_first(findings: Iterable[Finding]) -> list[Finding]:
    indexed = list(enumerate(findings))
    indexed.sort(key=lambda item: _rank(*item))
    return [finding for _, finding in indexed]


def _rank(index: int, finding: Finding) -> tuple[int, int, float, int]:
    score = 1.0 if finding.score is None else finding.score
    return (STATUS_RANK[finding.status], PRIORITY[finding.dimension], score, index)


def _variant(bank: Bank, finding: Finding, result: Result) -> Entry | None:
    """The bank's first question for this finding's status whose premises hold; a crashed
    check is never asked about. `default` serves fail and partial without their own."""
    variants = bank.checks.get(finding.check, {})
    if finding.status == "error":
        return None
    tried = variants.get(finding.status)
    if tried is None and finding.status in ("fail", "partial"):
        tried = variants.get("default")
    return next((e for e in tried or () if _premised(e, result)), None)


def _sourced(result: Result, entry: Entry) -> tuple[Evidence, ...]:
    """The evidence an entry names: `trap` for the trap's own, `run` for the stages' time
    and memory, else a check's findings'."""
    gathered: list[Evidence] = []
    for source in entry.evidence:
        if source == "trap":
            gathered.extend(result.trap.evidence)
        elif source == "run":
            gathered.extend(_run_evidence(result))
        else:
            gathered.extend(e for f in result.findings if f.check == source for e in f.evidence)
    return tuple(list(dict.fromkeys(gathered))[:MAX_EVIDENCE])


def _run_evidence(result: Result) -> tuple[Evidence, ...]:
    """How long each stage took and how much memory it used: where 10x data will hurt."""
    parts = [
        f"{name} {seconds(stage.duration_s)}, peak {megabytes(stage.peak_memory_mb)}"
        for name, stage in result.stages.items()
        if stage.duration_s is not None and name in ("train", "predict", "serve")
    ]
    if not parts:
        return ()
    return (Evidence(kind="text", path=None, excerpt="In our run: " + "; ".join(parts) + "."),)


def _ask(entry: Entry, evidence: tuple[Evidence, ...], result: Result) -> Question:
    facts = _Facts.of(result, evidence)
    return Question(
        question=facts.fill(entry.question),
        why=facts.fill(entry.why),
        evidence=evidence,
        strong_answer=facts.fill(entry.strong),
        weak_answer=facts.fill(entry.weak),
    )


@dataclass(frozen=True)
class _Facts:
    """What a question's `{placeholders}` stand for, in words."""

    values: Mapping[str, str]

    @classmethod
    def of(cls, result: Result, evidence: tuple[Evidence, ...]) -> _Facts:
        metrics, estimate = result.metrics, result.metrics.estimate
        first = evidence[0] if evidence else None
        return cls(
            {
                "where": where(first),
                "value": number(first.value) if first and first.value is not None else "n/a",
                "metric": metrics.metric or (estimate.metric if estimate else "the metric"),
                "holdout": number(metrics.holdout, "not measured"),
                "estimate": number(estimate.value if estimate else None, "no estimate"),
                "method": estimate.method if estimate else "no method given",
                "baseline": number(metrics.baseline, "not measured"),
                "careful": number(metrics.references.get("careful"), "not measured"),
                "naive": number(metrics.references.get("naive"), "not measured"),
                "trap": _lower_first(result.trap.title) or "the challenge's data problem",
            }
        )

    def fill(self, text: str) -> str:
        return text.format_map(self.values)


def _lower_first(title: str) -> str:
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


CONTEXT = "Context: introductions; the candidate recaps the problem in two sentences"
WALKTHROUGH = "Walkthrough of their submission: approach, validation and the trade-offs they made"
BROKEN_RUN = "Walkthrough of their submission: ask them to show how it runs; here {stage} {verdict}"


def _agenda(result: Result, probing: int) -> tuple[AgendaItem, ...]:
    """Five timed blocks that add up to 45 minutes; the questions are numbered as asked."""
    trap_first = result.trap.verdict in ("missed", "noticed_not_handled")
    lead = ", starting with the trap" if trap_first else ""
    blocks = (
        (5, CONTEXT),
        (10, _walkthrough(result)),
        (15, f"Probing the evidence: questions 1-{probing}{lead}"),
        (10, f"Production and scale: questions {probing + 1}-{probing + 2}"),
        (5, "Their questions for us"),
    )
    return tuple(AgendaItem(minutes=minutes, topic=topic) for minutes, topic in blocks)


def _walkthrough(result: Result) -> str:
    """A run that broke is shown, not told: the walkthrough starts from it."""
    for name, stage in result.stages.items():
        if stage.verdict not in ("ok", "not_run"):
            verdict = stage.verdict.replace("_", " ")
            return BROKEN_RUN.format(stage=f"the {name} stage ended in", verdict=verdict)
    return WALKTHROUGH
