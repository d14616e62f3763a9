"""The view of the run, the trap, the follow-up guide and the provenance (see `view.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.models import STAGE_NAMES, Evidence, Finding, Result, StageName, StageResult
from harness.report.evidence import EvidenceView, evidence_view
from harness.report.formats import clip, megabytes, number, seconds, when, words

LOG_CHARS = 12_000
"""Each of a stage's log head and tail is cut to this in the report (result.json has both)."""
VERDICTS = {
    "handled": ("handled", "good", "Handled the trap"),
    "noticed_not_handled": ("noticed, not handled", "fair", "Noticed the trap, did not handle it"),
    "missed": ("missed", "poor", "Fell into the trap"),
    "unknown": ("unknown", "none", "Not enough evidence to judge the trap"),
}
"""Trap verdict -> (label, tone, the sentence used when the result has no summary)."""
TRAP_EVIDENCE = {
    "trap.behaviour": "On new data (holdout slices and paired probes)",
    "trap.estimate": "Their own estimate against what we measured",
    "trap.code": "In the code",
    "trap.writeup": "In the write-up",
    "judgment.validation": "How they validated",
}
"""The trap's kinds of evidence, in the order a non-specialist reads them."""
STAGE_TONES = {"ok": "good", "not_run": "none", "output_limit": "fair"}


@dataclass(frozen=True)
class StageView:
    name: str
    anchor: str
    verdict: str
    tone: str
    reason: str
    exit_code: str
    duration: str
    memory: str
    log_head: str
    log_tail: str
    log_cut: bool


def stage_view(name: StageName, stage: StageResult) -> StageView:
    head, head_cut = clip(stage.log_head, LOG_CHARS)
    tail, tail_cut = stage.log_tail[-LOG_CHARS:], len(stage.log_tail) > LOG_CHARS
    return StageView(
        name=name,
        anchor=f"stage-{name}",
        verdict=words(stage.verdict),
        tone=STAGE_TONES.get(stage.verdict, "poor"),
        reason=stage.reason,
        exit_code="n/a" if stage.exit_code is None else str(stage.exit_code),
        duration=seconds(stage.duration_s),
        memory=megabytes(stage.peak_memory_mb),
        log_head=head,
        log_tail=tail,
        log_cut=head_cut or tail_cut,
    )


@dataclass(frozen=True)
class TrapRow:
    """What one kind of evidence showed about the trap."""

    label: str
    status: str
    message: str
    anchor: str


SLICE_EVIDENCE = "slices: "
"""How `trap.behaviour` opens the note of its slice measure (the trap is judged by slices)."""
SLICES_AS_EVIDENCE = (
    "Slices are groups of hidden rows: the ordinary ones, and ones where the trap is switched "
    "off as it would be when the model is used. A model that leans on the trap scores clearly "
    "worse where the trap is switched off. What we compared: {comparison}"
)
SLICES_AS_DETAIL = (
    "The headline score on each group of hidden rows, for detail only. This trap is not judged "
    "by these groups: a gap between them does not say whether the model leans on the trap."
)


@dataclass(frozen=True)
class SlicesView:
    """The holdout's slices with what they mean for this trap: its evidence, or detail."""

    heading: str
    explain: str
    rows: tuple[tuple[str, str], ...]
    """(slice, headline score)."""


@dataclass(frozen=True)
class TrapView:
    verdict: str
    label: str
    tone: str
    sentence: str
    title: str
    rows: tuple[TrapRow, ...]
    evidence: tuple[EvidenceView, ...]
    slices: SlicesView | None = None


def trap_view(result: Result, first: Mapping[str, tuple[str, Finding]]) -> TrapView:
    trap = result.trap
    label, tone, fallback = VERDICTS[trap.verdict]
    sentence = trap.summary or (f"{fallback}: {trap.title}." if trap.title else f"{fallback}.")
    rows = tuple(
        TrapRow(
            TRAP_EVIDENCE[check], first[check][1].status, first[check][1].message, first[check][0]
        )
        for check in TRAP_EVIDENCE
        if check in first
    )
    return TrapView(
        verdict=trap.verdict,
        label=label,
        tone=tone,
        sentence=sentence,
        title=trap.title,
        rows=rows,
        evidence=tuple(evidence_view(e, result.metrics) for e in trap.evidence),
        slices=slices_view(result, first),
    )


def slices_view(result: Result, first: Mapping[str, tuple[str, Finding]]) -> SlicesView | None:
    """The slice table, under the words that say what it means for this trap (None: no
    slices scored)."""
    rows = tuple((words(n), number(v)) for n, v in sorted(result.metrics.slices.items()))
    if not rows:
        return None
    behaviour = first.get("trap.behaviour")
    comparison = _slice_comparison(behaviour[1]) if behaviour else None
    if comparison is None:
        return SlicesView("Holdout score by slice", SLICES_AS_DETAIL, rows)
    return SlicesView("Holdout slices", SLICES_AS_EVIDENCE.format(comparison=comparison), rows)


def _slice_comparison(finding: Finding) -> str | None:
    """The slice measure `trap.behaviour` judged, in its own words (None: it judged none)."""
    notes = [e.excerpt or "" for e in finding.evidence if e.kind == "metric"]
    found = [note.removeprefix(SLICE_EVIDENCE) for note in notes if note.startswith(SLICE_EVIDENCE)]
    return found[0] if found else None


@dataclass(frozen=True)
class QuestionView:
    number: int
    question: str
    why: str
    strong: str
    weak: str
    evidence: tuple[EvidenceView, ...]
    sources: tuple[tuple[str, str], ...]
    """(anchor, check id) of the findings the evidence comes from."""


@dataclass(frozen=True)
class AgendaRow:
    start: str
    end: str
    minutes: int
    topic: str


@dataclass(frozen=True)
class FollowupView:
    agenda: tuple[AgendaRow, ...]
    total_minutes: int
    questions: tuple[QuestionView, ...]


def followup_view(result: Result, sources: Mapping[Evidence, tuple[str, str]]) -> FollowupView:
    rows, clock = [], 0
    for item in result.followup.agenda:
        rows.append(
            AgendaRow(_clock(clock), _clock(clock + item.minutes), item.minutes, item.topic)
        )
        clock += item.minutes
    questions = tuple(
        QuestionView(
            number=i + 1,
            question=q.question,
            why=q.why,
            strong=q.strong_answer,
            weak=q.weak_answer,
            evidence=tuple(
                evidence_view(e, result.metrics, sources.get(e, ("", ""))[1]) for e in q.evidence
            ),
            sources=tuple(dict.fromkeys(sources[e] for e in q.evidence if e in sources)),
        )
        for i, q in enumerate(result.followup.questions)
    )
    return FollowupView(tuple(rows), clock, questions)


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class ProvenanceView:
    graded: str
    rows: tuple[tuple[str, str], ...]
    limits: tuple[tuple[str, str, str, str, str], ...]
    data_hashes: tuple[tuple[str, str], ...]


def provenance_view(result: Result) -> ProvenanceView:
    prov, submission = result.provenance, result.submission
    backend: str = prov.backend
    if backend == "local":
        backend = "local (plain subprocesses: no network cut, no read-only filesystem)"
    rows = (
        ("harness", f"grade {prov.harness_version}"),
        ("graded", when(prov.created)),
        ("challenge", f"{result.challenge.id}, version {result.challenge.version}"),
        (
            "submission",
            f"{submission.file} ({submission.size_bytes:,} bytes, {submission.files} files kept)",
        ),
        ("submission id", submission.id),
        ("backend", backend),
        ("sandbox image", prov.image_id or "none"),
        ("seeds", ", ".join(f"{k} = {v}" for k, v in sorted(prov.seeds.items())) or "none"),
    )
    return ProvenanceView(
        graded=when(prov.created),
        rows=rows,
        limits=tuple(_limits(result, name) for name in STAGE_NAMES if name in prov.limits),
        data_hashes=tuple(sorted(prov.data_hashes.items())),
    )


def _limits(result: Result, name: StageName) -> tuple[str, str, str, str, str]:
    limits = result.provenance.limits[name]
    return (
        name,
        seconds(limits.timeout_s),
        megabytes(limits.memory_mb),
        f"{limits.cpus:g}" if limits.cpus is not None else "n/a",
        str(limits.pids) if limits.pids is not None else "n/a",
    )
