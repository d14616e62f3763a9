"""Data judgment: did the candidate notice the challenge's trap, and handle it.

Behaviour first (holdout slices, paired probes, what the model API received, the
self-estimate), then code, then words.
The trap verdict itself is built from these findings in `harness/trap_assessment.py`, where
words never outweigh behaviour.
"""

from __future__ import annotations

import re

from harness.challenges.model import CodeSpec, EvidenceName, Trap
from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.prose import Splitter, sentences, writeup_path
from harness.checks.registry import Judgement, check, graded, skipped
from harness.checks.statements import _covers as negation_covers
from harness.checks.statements import _negations as negations_in
from harness.checks.statements import clauses
from harness.models import Evidence
from harness.readers.code_marks import Mark, find_marks
from harness.readers.splits import SplitEvidence, hand_written_splits, read_group_split
from harness.trap_evidence import (
    Signal,
    Submitted,
    TrapMeasure,
    measure,
    measure_signal,
    with_signal,
)

BEHAVIOUR: tuple[EvidenceName, ...] = ("slices", "probes", "api_log")
LOG_EXCERPT_CHARS = 600
ACTION_WORDS = re.compile(
    r"\b(send|sent|sends|sending|pass\w*|forward\w*|leav\w*|go(?:es)?|reach\w*|redact\w*"
    r"|mask\w*|scrub\w*|strip\w*|remov\w*|anonymi[sz]\w*|pseudonymi[sz]\w*|replac\w*"
    r"|share\w*|expos\w*|upload\w*|keep|kept|handl\w*)\b",
    re.I,
)
"""Verbs of what is done with the data: "we do not send personal data to the API" names the
problem; "there is no personal data" or "I did not look for personal data" does not."""
VALIDATION_NAMES = frozenset(
    {
        "cross_val_score",
        "cross_validate",
        "cross_val_predict",
        "KFold",
        "StratifiedKFold",
        "GroupKFold",
        "StratifiedGroupKFold",
        "TimeSeriesSplit",
        "RepeatedKFold",
        "RepeatedStratifiedKFold",
        "GridSearchCV",
        "RandomizedSearchCV",
        "GroupShuffleSplit",
    }
)
HOLDOUT_NAMES = frozenset({"train_test_split", "ShuffleSplit", "StratifiedShuffleSplit"})
PIPELINE_NAMES = frozenset({"Pipeline", "make_pipeline", "ColumnTransformer"})
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*(?:[-*#>]|\d+\.)\s)")
"""A sentence ends at . ! or ?, a blank line, or the start of a list item or heading."""
ASSUMPTION_WORDS = re.compile(r"\b(assum\w*|I inferred|we inferred|presum\w*|take it that)\b", re.I)


def _one_line(sentence: str) -> str:
    return " ".join(sentence.split())


SENTENCES = Splitter(SENTENCE_END, breaks=None, tidy=_one_line)
"""The whole text, code blocks included, each sentence on one line (Markdown wraps them
across lines)."""


def learned_signal(context: CheckContext) -> Signal | None:
    """How far the model beats a trivial one (None: no trap or holdout here)."""
    if context.trap is None or context.holdout is None:
        return None
    return measure_signal(context.challenge, context.trap, context.holdout, context.predictions)


def trap_measure(context: CheckContext, kind: EvidenceName) -> TrapMeasure | None:
    """The trap's evidence of one kind, as `context.trap_measure`, and for `api_log` read from
    the model API's log of this grading (None: no trap, or the trap does not list the kind)."""
    if kind != "api_log":
        return context.trap_measure(kind)
    trap, key = context.trap, context.holdout
    if trap is None or key is None or "api_log" not in trap.evidence:
        return None
    submitted = Submitted(None, None, context.root, context.model_api)
    return measure("api_log", context.challenge, trap, key, submitted)


def lean_score(found: TrapMeasure) -> float:
    """1 far below the threshold, 0.5 at it, 0 at twice it or beyond (None counts as 0)."""
    if found.value is None:
        return 0.0
    if found.threshold <= 0:
        return 0.0 if found.leaning else 1.0
    return min(1.0, max(0.0, 1 - found.value / (2 * found.threshold)))


SIDES: dict[EvidenceName, tuple[str, str]] = {
    "estimate": ("optimistic beyond it", "within it"),
    "api_log": ("personal data sent", "none sent"),
}
"""What each side of a threshold means, where "leans on the trap" would claim too much."""


def measure_evidence(found: TrapMeasure) -> Evidence:
    leaning, clean = SIDES.get(found.kind, ("leans on the trap", "does not lean on it"))
    side = leaning if found.leaning else clean
    if found.value is None:
        side = "not measurable"
    note = f"{found.kind}: {found.detail} (threshold {found.threshold:g}: {side})"
    return evidence.metric(found.kind, found.value, note)


def log_evidence(found: TrapMeasure) -> list[Evidence]:
    """The request-log lines a measure rests on, with their line numbers in the log."""
    return [
        Evidence(kind="log", lines=(line, line), excerpt=text[:LOG_EXCERPT_CHARS])
        for line, text in found.lines
    ]


@check("trap.behaviour", dimension="data_judgment", title="Behaviour on the trap's slices")
def behaviour(context: CheckContext) -> Judgement:
    """Looks at how the model's predictions behave where the trap is switched off: the gap
    between the ordinary holdout rows and the rows as they look at prediction time (slices),
    and how far apart it predicts two rows that differ only in the trap's attribute (paired
    probes), or, for a trap that shows in what the challenge's model API received, the
    planted personal data that reached it while the service predicted; each beside the
    threshold the challenge calibrated on its references.

    Why: this is the evidence a write-up cannot fake. A model that leans on the trap scores
    well in validation and fails in production.

    Evidence: each measure with its threshold and the numbers behind it.
    """
    kinds = [k for k in BEHAVIOUR if context.trap is not None and k in context.trap.evidence]
    found = [m for m in (trap_measure(context, kind) for kind in kinds) if m is not None]
    measures = [m for m in found if m.kind != "api_log" or m.value is not None]
    if not measures and found:
        return skipped(
            f"not measurable by behaviour: {found[0].detail}", *map(measure_evidence, found)
        )
    if not measures:
        return skipped(
            "this challenge's trap does not show in holdout behaviour; the "
            "estimate and the code decide",
            evidence.text("no slice or probe evidence is calibrated for this trap"),
        )
    learned = learned_signal(context)
    if learned is not None:
        measures = [with_signal(m, learned) for m in measures]
    proof = [*map(measure_evidence, measures), *_signal_evidence(learned)]
    proof += [line for m in measures for line in log_evidence(m)]
    score = sum(map(lean_score, measures)) / len(measures)
    return graded(score, _behaviour_message(measures), *proof)


def _signal_evidence(learned: Signal | None) -> list[Evidence]:
    if learned is None:
        return []
    side = "past it" if learned.carries else "not past it: behaviour not measurable"
    note = f"signal: {learned.detail} (margin {learned.margin:g}: {side})"
    return [evidence.metric("signal", learned.lift, note)]


def _behaviour_message(measures: list[TrapMeasure]) -> str:
    leaning = [m.kind for m in measures if m.leaning]
    sent = [m.detail for m in measures if m.kind == "api_log" and m.leaning]
    if sent:
        return "leans on the trap: " + "; ".join(sent)
    if leaning:
        return f"leans on the trap ({', '.join(leaning)})"
    if all(m.value is None for m in measures):
        return "not measurable: " + "; ".join(dict.fromkeys(m.detail for m in measures))
    return "does not lean on the trap: " + "; ".join(m.detail for m in measures)


@check("trap.estimate", dimension="data_judgment", title="The self-estimate against the truth")
def estimate(context: CheckContext) -> Judgement:
    """Looks at the score the candidate said to expect on new data (`[estimate]` in
    assessment.toml) against what the hidden holdout shows, in the estimate's own metric.

    Why: an honest estimate shows the candidate knows how their model will do before it
    ships. An optimistic one is scored here as a claim; it counts towards the trap's verdict
    only where the trap shows in validation alone (no slices or probes), where optimism is
    the signature of a validation that leaks.

    Evidence: the claimed and measured values and the optimism, beside the threshold.
    """
    found = context.trap_measure("estimate")
    claimed = context.contract.estimate
    claim = evidence.text(
        f"[estimate] {claimed.metric} = {claimed.value:g} ({claimed.method})", "assessment.toml"
    )
    if found is None:
        return skipped("the estimate is not calibrated for this challenge's trap", claim)
    if found.value is None:
        return graded(
            0.0,
            f"the estimate could not be checked: {found.detail}",
            claim,
            measure_evidence(found),
        )
    verdict = "optimistic estimate" if found.leaning else "honest estimate"
    return graded(lean_score(found), f"{verdict}: {found.detail}", claim, measure_evidence(found))


@check("trap.code", dimension="data_judgment", title="Code that handles the trap")
def trap_code(context: CheckContext) -> Judgement:
    """Looks at the syntax trees of the code and notebooks (never comments or docstrings)
    for what handling this challenge's trap looks like: a group-aware split, the leaky
    column dropped, a unit conversion. Where this trap does not show in code reliably, it
    records where the trap's columns are named and leaves the judgment to behaviour.

    Why: code shows whether the candidate acted on what they noticed; behaviour shows
    whether it worked.

    Evidence: each use found, with its file, line and snippet.
    """
    if context.trap is None:
        return skipped("no private trap description here", evidence.text("no private/trap.toml"))
    spec = context.trap.code
    columns = find_marks(context.root, set(spec.columns), set(spec.columns))
    seen = tuple(evidence.snippet(m.file, m.line, m.snippet) for m in columns[:6])
    if "code" not in context.trap.evidence:
        where = f"named {len(columns)} times in code" if columns else "never named in code"
        return skipped(
            f"this trap is judged by behaviour; its columns are {where} "
            f"(handling looks like: {spec.handling})",
            *seen,
            evidence.text(f"looked for: {', '.join(spec.columns)}"),
        )
    found = context.trap_measure("code")
    assert found is not None
    handling, looked_for = _code_reading(context.trap)
    marks = tuple(evidence.snippet(m.file, m.line, m.snippet) for m in found.marks[:6])
    looked = evidence.text(f"looked for: {looked_for}")
    if found.value is None:
        return skipped(f"{found.detail}: the code is no evidence either way", looked, *seen)
    if found.leaning:
        return graded(0.0, f"no sign in code of {handling}: {found.detail}", *marks, looked, *seen)
    return graded(1.0, f"{handling}: {found.detail}", *marks)


REDACTION_LOOKED_FOR = (
    "a regular expression matching emails, card or phone numbers used in a substitution or a "
    "search, or a PII library (Presidio, scrubadub), in code that calls a model API"
)


def _code_reading(trap: Trap) -> tuple[str, str]:
    """What handling the trap looks like in code, and what the reader looked for."""
    spec = trap.code
    if trap.api_log is not None and trap.api_log.code == "redaction":
        handling = spec.handling or "personal data masked or screened out before a model API call"
        return handling, REDACTION_LOOKED_FOR
    return spec.handling, _looked_for(spec)


def _looked_for(spec: CodeSpec) -> str:
    names = ", ".join(spec.names) or "nothing"
    if spec.split != "group":
        return names
    return f"rows separated by values of {', '.join(spec.columns)}, or a splitter of {names}"


@check("trap.writeup", dimension="data_judgment", title="The trap named in the write-up")
def trap_writeup(context: CheckContext) -> Judgement:
    """Looks at the write-up for words that name this challenge's trap (the challenge lists
    them privately) and quotes the sentences that do.

    Why: naming the problem and what was done about it is what a reviewer needs to trust the
    model; but words alone never count as handling it (the trap verdict says so).

    Evidence: the sentences that name the trap.
    """
    if context.trap is None:
        return skipped("no private trap description here", evidence.text("no private/trap.toml"))
    text = context.writeup_text
    if not text:
        return graded(0.0, "no write-up to name the trap in", evidence.text("no README/WRITEUP"))
    trap = context.trap
    named = naming_sentences(text, trap.writeup.terms, negation="api_log" in trap.evidence)
    path = writeup_path(context)
    if not named:
        return graded(
            0.0,
            "the write-up does not name the trap",
            evidence.text(f"{len(text.split())} words read", path),
        )
    quoted = tuple(evidence.text(sentence, path) for sentence in named[:3])
    return graded(1.0, f"the write-up names the trap ({len(named)} passages)", *quoted)


def naming_sentences(text: str, terms: tuple[str, ...], negation: bool = False) -> list[str]:
    """The sentences of `text` that hold any of `terms` (case-insensitive); with `negation`
    (a trap judged by the model API's log), only where a term is not denied (see `names`)."""
    lowered = [term.lower() for term in terms]
    found = [s for s in sentences(text, SENTENCES) if any(term in s.lower() for term in lowered)]
    return [s for s in found if names(s, lowered)] if negation else found


def names(sentence: str, terms: list[str]) -> bool:
    """Whether a clause of the sentence holds a term outside a negation's scope (the
    statements reader's), or says what is done with the data: "there is no personal data in
    the tickets" does not name the problem; "we do not send personal data" does."""
    for clause in clauses(sentence):
        lowered = clause.lower()
        starts = [lowered.find(term) for term in terms if term in lowered]
        if not starts:
            continue
        negations = negations_in(clause)
        denied = all(any(negation_covers(clause, n, start) for n in negations) for start in starts)
        if not denied or ACTION_WORDS.search(clause):
            return True
    return False


@check("judgment.validation", dimension="data_judgment", title="A validation scheme that fits")
def validation(context: CheckContext) -> Judgement:
    """Looks at how the candidate validated: cross-validation or a held-out split in the
    code, preprocessing fitted inside a scikit-learn Pipeline (so it is refitted per fold),
    and whether the `[estimate]` says how it was measured.

    Why: a validation scheme that fits the data is what makes any reported number
    believable; preprocessing fitted before the split leaks information.

    Evidence: the code that splits and the Pipeline, with lines; the estimate's method.
    """
    names = VALIDATION_NAMES | HOLDOUT_NAMES | PIPELINE_NAMES
    marks = find_marks(context.root, set(names), set())
    used = {m.text for m in marks}
    hand = hand_splits(context)
    folds = any(e.in_loop for e in hand)
    score = 0.5 if used & VALIDATION_NAMES or folds else 0.3 if used & HOLDOUT_NAMES or hand else 0
    score += 0.3 if used & PIPELINE_NAMES else 0.0
    method = context.contract.estimate.method.strip()
    score += 0.2 if len(method.split()) >= 3 else 0.0
    proof = [evidence.snippet(m.file, m.line, m.snippet) for m in _first_of_each(marks)]
    proof += [evidence.snippet(e.file, e.line, e.snippet) for e in hand[:2]]
    proof.append(evidence.text(f"estimate method: {method or '(empty)'}", "assessment.toml"))
    shown = [*sorted(used)]
    if hand:
        shown.append(f"{'folds' if folds else 'a held-out part'} split by hand")
    said = f"{', '.join(shown)} in code" if shown else "no split or cross-validation in code"
    return graded(score, said, *proof)


def hand_splits(context: CheckContext) -> list[SplitEvidence]:
    """Train and validation rows separated by hand (masks, indices, samples), and for a trap
    whose handling is a group split, rows separated by the group columns' values."""
    found = hand_written_splits(context.root)
    spec = context.trap.code if context.trap is not None else None
    if spec is not None and spec.split == "group":
        reading = read_group_split(context.root, spec.columns, spec.names)
        found += [e for e in reading.evidence if e.group_aware and e.rule.startswith("rows")]
    return found


def _first_of_each(marks: list[Mark]) -> list[Mark]:
    seen: dict[str, Mark] = {}
    for mark in marks:
        seen.setdefault(mark.text, mark)
    return list(seen.values())[:5]


@check("judgment.assumptions", dimension="data_judgment", title="Assumptions stated")
def assumptions(context: CheckContext) -> Judgement:
    """Looks at the write-up for stated assumptions: a section about them, or sentences that
    say what the candidate assumed or inferred about the data.

    Why: an open brief is ambiguous on purpose; saying what you assumed is how a team can
    check it, and how the interviewer can probe it.

    Evidence: the sentences that state assumptions.
    """
    text = context.writeup_text
    path = writeup_path(context)
    headings = context.inventory.writeup.summary.headings if context.inventory.writeup else ()
    section = any("assum" in heading.lower() for heading in headings)
    stated = [s for s in sentences(text, SENTENCES) if ASSUMPTION_WORDS.search(s)]
    score = min(1.0, (0.5 if section else 0.0) + 0.2 * len(stated))
    proof = tuple(evidence.text(sentence, path) for sentence in stated[:3])
    if not proof:
        proof = (evidence.text("no assumptions section or sentence found", path),)
    where = "a section and " if section else ""
    return graded(score, f"{where}{len(stated)} sentences stating assumptions", *proof)
