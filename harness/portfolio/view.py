"""The portfolio report's view model: plain data for the templates, built from the result.

It reuses the take-home report's pieces where the page shows the same thing (score bars,
flags, evidence, the follow-up guide, stage rows), so both reports read alike; nothing here is
marked safe: every text reaches the page through jinja2's autoescape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from harness.models import Evidence, Finding, Metrics
from harness.portfolio.checks import check_name
from harness.portfolio.model import (
    AREA_LABELS,
    AREA_NAMES,
    AreaName,
    Checkout,
    PortfolioResult,
    Signal,
)
from harness.portfolio.scoring import CHECK_AREAS
from harness.report.evidence import EvidenceView, evidence_view
from harness.report.formats import Score, megabytes, when
from harness.report.sections import AgendaRow, FollowupView, QuestionView, StageView, stage_view
from harness.report.view import STATUS_LABELS, Bar, FindingView, Flag

ASKS: dict[AreaName, str] = {
    "depth": "Is there a body of real code, worked on over time, or notebooks and a dump?",
    "deployment": "Is the model served, packaged and shipped, or only trained?",
    "engineering": "Tests, CI, pinned dependencies, tooling: the habits of shared code.",
    "observability": "Would anyone know when it breaks, and why?",
    "data": "Did they build and guard the pipeline that feeds the model?",
}
MAX_FLAGS = 6
NO_METRICS = Metrics()


@dataclass(frozen=True)
class AreaView:
    name: str
    anchor: str
    label: str
    asks: str
    score: Score
    parts: tuple[FindingView, ...]


@dataclass(frozen=True)
class PortfolioView:
    """The whole page."""

    title: str
    name: str
    source: str
    commit: str
    branch: str
    reviewed: str
    harness_version: str
    bars: tuple[Bar, ...]
    total: Score
    green: tuple[Flag, ...]
    red: tuple[Flag, ...]
    more_green: int
    more_red: int
    followup: FollowupView
    areas: tuple[AreaView, ...]
    languages: tuple[tuple[str, str, str, str], ...]
    checkout: tuple[tuple[str, str], ...]
    outside: tuple[tuple[str, str], ...]
    """Links, submodules and large files: (path, what was done with it)."""
    history: tuple[tuple[str, str], ...]
    history_notes: tuple[str, ...]
    stages: tuple[StageView, ...]
    tests_line: str
    not_applied: tuple[tuple[str, str, str], ...]
    provenance: tuple[tuple[str, str], ...]


def signal_anchor(part_id: str) -> str:
    return "part-" + part_id.replace(".", "-").replace("_", "-")


def build_view(result: PortfolioResult) -> PortfolioView:
    repo = result.repository
    areas = tuple(_area(name, result) for name in AREA_NAMES)
    green = [f for f in result.flags if f.tone == "green"]
    red = [f for f in result.flags if f.tone == "red"]
    return PortfolioView(
        title=f"{repo.name} · portfolio review",
        name=repo.name,
        source=repo.source,
        commit=repo.commit[:12],
        branch=repo.branch or "",
        reviewed=when(result.provenance.created),
        harness_version=result.provenance.harness_version,
        bars=tuple(Bar(a.label, a.anchor, a.score) for a in areas),
        total=Score.of(result.total),
        green=tuple(_flag(f.text, f.source) for f in green[:MAX_FLAGS]),
        red=tuple(_flag(f.text, f.source) for f in red[:MAX_FLAGS]),
        more_green=max(0, len(green) - MAX_FLAGS),
        more_red=max(0, len(red) - MAX_FLAGS),
        followup=_followup(result),
        areas=areas,
        languages=_languages(result),
        checkout=_checkout(result),
        outside=_outside(result),
        history=_history(result),
        history_notes=result.history.notes,
        stages=_stages(result),
        tests_line=_tests_line(result),
        not_applied=tuple(
            (check_name(f.check), f.check, f.message)
            for f in result.findings
            if f.status == "skipped" and f.check not in CHECK_AREAS
        ),
        provenance=_provenance(result),
    )


def _flag(text: str, source: str) -> Flag:
    return Flag(text, "checkout" if source == "checkout" else signal_anchor(source))


def _area(name: AreaName, result: PortfolioResult) -> AreaView:
    area = result.areas.get(name)
    signals = [_signal_part(s) for s in result.signals if s.area == name]
    checks = [_check_part(f) for f in result.findings if CHECK_AREAS.get(f.check, ("",))[0] == name]
    return AreaView(
        name=name,
        anchor=f"area-{name}",
        label=AREA_LABELS[name],
        asks=ASKS[name],
        score=Score.of(area.score if area else None),
        parts=(*signals, *checks),
    )


def _signal_part(found: Signal) -> FindingView:
    return FindingView(
        anchor=signal_anchor(found.id),
        check=found.id,
        title=found.title,
        status=found.status,
        status_label=STATUS_LABELS[found.status],
        score=Score.of(found.score),
        message=found.message,
        evidence=tuple(_evidence(e) for e in found.evidence),
    )


def _check_part(finding: Finding) -> FindingView:
    return FindingView(
        anchor=signal_anchor(finding.check),
        check=finding.check,
        title=check_name(finding.check),
        status=finding.status,
        status_label=STATUS_LABELS[finding.status],
        score=Score.of(finding.score),
        message=finding.message,
        evidence=tuple(_evidence(e) for e in finding.evidence),
    )


def _evidence(item: Evidence) -> EvidenceView:
    """The report's view of a piece of evidence; a count reads as a count (`63`, not
    `63.0`)."""
    shown = evidence_view(item, NO_METRICS)
    value = item.value
    if (
        item.kind == "metric"
        and isinstance(value, float)
        and value.is_integer()
        and abs(value) >= 1
    ):
        return dataclasses.replace(shown, value=f"{int(value):,}")
    return shown


def _sources(result: PortfolioResult) -> dict[Evidence, tuple[str, str]]:
    found: dict[Evidence, tuple[str, str]] = {}
    for s in result.signals:
        for item in s.evidence:
            found.setdefault(item, (signal_anchor(s.id), s.id))
    for f in result.findings:
        for item in f.evidence:
            found.setdefault(item, (signal_anchor(f.check), f.check))
    return found


def _followup(result: PortfolioResult) -> FollowupView:
    rows, clock = [], 0
    for item in result.followup.agenda:
        rows.append(
            AgendaRow(_clock(clock), _clock(clock + item.minutes), item.minutes, item.topic)
        )
        clock += item.minutes
    sources = _sources(result)
    questions = tuple(
        QuestionView(
            number=n + 1,
            question=q.question,
            why=q.why,
            strong=q.strong_answer,
            weak=q.weak_answer,
            evidence=tuple(_evidence(e) for e in q.evidence),
            sources=tuple(dict.fromkeys(sources[e] for e in q.evidence if e in sources)),
        )
        for n, q in enumerate(result.followup.questions)
    )
    return FollowupView(tuple(rows), clock, questions)


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _languages(result: PortfolioResult) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(
        (lang.name, lang.kind, f"{lang.files:,}", f"{lang.lines:,}")
        for lang in result.languages[:15]
    )


def _checkout(result: PortfolioResult) -> tuple[tuple[str, str], ...]:
    c = result.checkout
    listed = f"{c.entries:,}" + (" (the tree has more: the listing stopped there)" * c.listing_cut)
    return (
        ("entries in HEAD's tree", listed),
        ("files read", f"{c.files:,} ({megabytes(c.bytes / 1e6)})"),
        ("symbolic links", f"{len(c.links)} recorded, never followed"),
        ("submodules", f"{len(c.submodules)} recorded, never fetched"),
        ("large files", f"{len(c.large)} listed with their size, not read"),
        ("left out", f"{len(c.skipped)} (names refused, vendored folders, limits)"),
        ("declared not its own", _declared(c)),
    )


def _declared(c: Checkout) -> str:
    if not c.declared:
        return "nothing (no linguist-vendored attributes or ruff excludes)"
    return (
        f"{c.declared_files:,} files under {', '.join(c.declared[:6])}, by "
        f"{'; '.join(c.declared_by)}: listed, not judged"
    )


def _outside(result: PortfolioResult) -> tuple[tuple[str, str], ...]:
    c = result.checkout
    rows = [
        (link.path, f"link to {link.target}" + (" (leads out of the tree)" * link.escapes))
        for link in c.links[:10]
    ]
    rows += [(s.path, f"submodule {s.url or '(no URL in .gitmodules)'}") for s in c.submodules[:10]]
    rows += [(f.path, f"{(f.size_bytes or 0):,} bytes: {f.reason}") for f in c.large[:10]]
    rows += [(f.path, f.reason) for f in c.skipped[:10]]
    return tuple(rows)


def _history(result: PortfolioResult) -> tuple[tuple[str, str], ...]:
    h = result.history
    share = "n/a" if h.first_commit_share is None else f"{h.first_commit_share:.0%}"
    top = "n/a" if h.top_author_share is None else f"{h.top_author_share:.0%}"
    return (
        ("commits", f"{h.commits:,} ({h.commits_read:,} read)"),
        ("first commit", when(h.first) if h.first else "n/a"),
        ("HEAD", when(h.last) if h.last else "n/a"),
        ("span", "n/a" if h.span_days is None else f"{h.span_days:,} days"),
        ("active weeks", f"{h.active_weeks:,}"),
        ("commits after the first month", f"{h.after_first_month:,}"),
        ("authors", f"{h.authors:,} (the most active wrote {top} of the commits read)"),
        ("today's code from the first commit", share),
    )


def _stages(result: PortfolioResult) -> tuple[StageView, ...]:
    tests = result.tests
    stages = [stage_view("install", tests.install)] if tests.install else []
    return (*stages, stage_view("test", tests.stage))


def _tests_line(result: PortfolioResult) -> str:
    tests = result.tests
    if tests.tests is None and tests.stage.verdict == "not_run":
        return f"The tests were not run: {tests.stage.reason.removeprefix('not run: ')}."
    if tests.tests is None:
        return f"No JUnit counts: the stage ended {tests.stage.verdict} ({tests.stage.reason})."
    claimed = f" (the JUnit report claimed {tests.claimed})" if tests.claimed else ""
    return (
        f"{tests.tests} tests: {tests.passed} passed, {tests.failed} failed, "
        f"{tests.skipped} skipped{claimed}; trusted JUnit counts."
    )


def _provenance(result: PortfolioResult) -> tuple[tuple[str, str], ...]:
    p, repo = result.provenance, result.repository
    bounds = ", ".join(f"{k} {v:,}" for k, v in sorted(p.bounds.items()))
    return (
        ("harness", f"grade {p.harness_version}"),
        ("reviewed", when(p.created)),
        ("repository", repo.source),
        ("commit", repo.commit + (f" on {repo.branch}" if repo.branch else "")),
        ("committed", when(repo.committed) if repo.committed else "n/a"),
        ("tests ran on", p.backend + (f" ({p.image_id})" if p.image_id else "")),
        ("bounds", bounds or "none"),
    )
