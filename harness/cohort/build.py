"""`grade cohort DIR`: read every result of one challenge, and write the page and the CSVs.

Nothing is graded again. In blind mode every row is named by its pseudonym, each report is
rendered again from its result with the candidate, the zip and every name it holds replaced,
into the cohort's own folder, and no name, contact or file name from the ledger or the results
is written anywhere in that folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.batch.ledger import Sender
from harness.challenges.catalog import load_catalog
from harness.challenges.model import Challenge
from harness.checks import REGISTRY
from harness.cohort.blind import Redactor, blind_id, blind_result, cohort_key, identifying, slug
from harness.cohort.blind import pseudonyms as make_pseudonyms
from harness.cohort.csvfiles import write_csvs
from harness.cohort.loading import Loaded, load_results
from harness.cohort.page import build_page
from harness.cohort.render import write_page
from harness.cohort.reviews import interviewer_scores, read_interviewer, redacted_review
from harness.cohort.similar import Similarity, reference_label, run_similarity
from harness.cohort.table import (
    Cohort,
    FragmentView,
    Row,
    Similar,
    SimilarPairView,
    criterion_columns,
    flags,
    reference_names,
    sort_rows,
)
from harness.errors import HarnessError
from harness.report.render import REPORT_NAME, write_report
from harness.report.reviewed import Beside
from harness.rubric import Rubric, load_rubric
from harness.similarity import SimilarPair

BLIND_REPORTS = "reports"


@dataclass(frozen=True)
class CohortOptions:
    challenge: str | None = None
    blind: bool = False
    sort: str = "name"
    out: Path | None = None
    challenge_dirs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Written:
    """What `grade cohort` wrote, for the command line to say."""

    out: Path
    page: Path
    files: tuple[Path, ...]
    rows: int
    notes: tuple[str, ...]
    similarity: str


def default_out(folder: Path, blind: bool) -> Path:
    """`DIR/cohort/`, or `DIR/cohort-blind/`: the blind folder can be handed over whole."""
    return folder / ("cohort-blind" if blind else "cohort")


def build_cohort(folder: Path, options: CohortOptions) -> Written:
    from harness.portfolio.cohort import build_portfolio_cohort, is_portfolio_folder

    if is_portfolio_folder(folder):  # repositories reviewed by `grade repo`, not take-homes
        return build_portfolio_cohort(folder, options)
    out = options.out if options.out is not None else default_out(folder, options.blind)
    loading = load_results(folder, options.challenge, skip=out)
    loaded = loading.results
    challenge_id = loaded[0].result.challenge.id
    notes = list(loading.notes)
    challenge, rubric = _challenge(challenge_id, options.challenge_dirs, notes)
    key = cohort_key(folder) if options.blind else b""
    names = _names(loaded, key)
    redactor = Redactor(
        term for item in loaded for term in identifying(item.senders, item.result)
    ) if options.blind else Redactor(())  # fmt: skip
    similarity = run_similarity(loaded, challenge, names, folder)
    _make_folder(out)
    rows = [_row(item, names, key, redactor, similarity, out, rubric, notes) for item in loaded]
    cohort = Cohort(
        challenge=challenge_id,
        versions=tuple(sorted({item.result.challenge.version for item in loaded})),
        rows=sort_rows(rows, options.sort),
        criteria=criterion_columns([row.result for row in rows]),
        references=reference_names([row.result for row in rows]),
        metric=next((i.result.metrics.metric for i in loaded if i.result.metrics.metric), None),
        check_criteria=_check_criteria(rubric),
        blind=options.blind,
        notes=tuple(redactor.text(note) for note in notes),
        similarity_note=redactor.text(similarity.note),
        similarity_ran=similarity.ran,
        pairs=tuple(_pair_view(p, names, redactor) for p in similarity.pairs),
    )
    files = write_csvs(cohort, out)
    page = write_page(build_page(cohort, options.sort), out)
    return Written(out, page, (page, *files), len(rows), cohort.notes, cohort.similarity_note)


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise HarnessError(f"cannot write {out}: {err.strerror or err}") from err


def _challenge(
    challenge_id: str, dirs: Sequence[Path], notes: list[str]
) -> tuple[Challenge | None, Rubric | None]:
    """The challenge and its rubric, when the search path has them: the references for
    similarity, and which criterion each check feeds (for the long CSV)."""
    try:
        challenge = load_catalog(dirs).get(challenge_id)
    except HarnessError as err:
        notes.append(f"challenge {challenge_id}: {err.message}; no references or rubric used")
        return None, None
    try:
        return challenge, load_rubric(challenge.rubric_path, REGISTRY.keys())
    except HarnessError as err:
        notes.append(f"rubric of {challenge_id}: {err.message}")
        return challenge, None


def _check_criteria(rubric: Rubric | None) -> dict[str, tuple[str, ...]]:
    feeds: dict[str, list[str]] = {}
    if rubric is None:
        return {}
    for dimension, criteria in rubric.dimensions.items():
        for criterion in criteria:
            for check in criterion.checks:
                feeds.setdefault(check, []).append(f"{dimension}.{criterion.id}")
    return {check: tuple(keys) for check, keys in feeds.items()}


def _names(loaded: Sequence[Loaded], key: bytes) -> dict[str, str]:
    """Submission id -> what the page calls it: a pseudonym in blind mode, else who sent it."""
    ids = [item.result.submission.id for item in loaded]
    if key:
        return make_pseudonyms(key, ids)
    return {item.result.submission.id: _sender_name(item) for item in loaded}


def _sender_name(item: Loaded) -> str:
    named = list(dict.fromkeys(s.name for s in item.senders if s.name))
    submission = item.result.submission
    return " / ".join(named) or submission.candidate or submission.file


def _joined(senders: Sequence[Sender], field: str, fallback: str = "") -> str:
    values = list(dict.fromkeys(getattr(s, field) for s in senders if getattr(s, field)))
    return "; ".join(values) or fallback


def _row(
    item: Loaded,
    names: Mapping[str, str],
    key: bytes,
    redactor: Redactor,
    similarity: Similarity,
    out: Path,
    rubric: Rubric | None,
    notes: list[str],
) -> Row:
    sha = item.result.submission.id
    report = item.path.with_name(REPORT_NAME)
    review = read_interviewer(item.path, rubric, notes)
    scores = interviewer_scores(review)
    similar = _similar(sha, similarity.pairs, names)
    if key:
        pseudonym = names[sha]
        result = blind_result(item.result, pseudonym, blind_id(key, sha), redactor)
        beside = Beside(review=redacted_review(review, redactor), rubric=rubric) if review else None
        written = write_report(result, out / BLIND_REPORTS / f"{slug(pseudonym)}.html", beside)
        return Row(pseudonym, pseudonym, "", "", os.path.relpath(written, out), result,
                   flags(result, True), scores, similar)  # fmt: skip
    link = os.path.relpath(report, out) if report.is_file() else ""
    return Row(
        label=sha,
        name=names[sha],
        contact=_joined(item.senders, "contact"),
        file=_joined(item.senders, "file", item.result.submission.file),
        report=link,
        result=item.result,
        flags=flags(item.result, report.is_file()),
        review=scores,
        similar=similar,
    )


def _similar(
    sha: str, pairs: Sequence[SimilarPair], names: Mapping[str, str]
) -> tuple[Similar, ...]:
    found = []
    for pair in pairs:
        if sha not in (pair.a, pair.b):
            continue
        other = pair.b if pair.a == sha else pair.a
        found.append(Similar(other, _side(other, names), pair.score))
    return tuple(sorted(found, key=lambda s: -s.score))


def _side(label: str, names: Mapping[str, str]) -> str:
    return reference_label(label) or names.get(label, label[:12])


def _pair_view(pair: SimilarPair, names: Mapping[str, str], redactor: Redactor) -> SimilarPairView:
    fragments = tuple(
        FragmentView(
            redactor.text(_where(f.file, f.lines)),
            redactor.text(_where(f.other_file, f.other_lines)),
            redactor.text(f.excerpt),
        )
        for f in pair.fragments
    )
    return SimilarPairView(_side(pair.a, names), _side(pair.b, names), pair.score, fragments)


def _where(file: str, lines: tuple[int, int]) -> str:
    first, last = lines
    return f"{file}:{first}" if first == last else f"{file}:{first}-{last}"
