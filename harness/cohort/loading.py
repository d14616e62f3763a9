"""Reading a folder of graded submissions: every `*/result.json`, and who sent each one.

Nothing is graded again. A `result.json` that cannot be read or is not valid is a note for
the page, never a crash; the senders (names, contacts, the zip as given) come from the batch
ledger when the folder has one, and never from `result.json`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.batch.ledger import Ledger, Sender, read_ledger
from harness.errors import HarnessError
from harness.models import Result
from harness.report.render import read_result

RESULT_FILE = "result.json"


@dataclass(frozen=True)
class Loaded:
    """One graded submission as it is on disk."""

    path: Path
    """Its `result.json`."""
    result: Result
    senders: tuple[Sender, ...]


@dataclass(frozen=True)
class Loading:
    """What a folder holds: the results of the chosen challenge, and what was left out."""

    results: tuple[Loaded, ...]
    notes: tuple[str, ...]
    ledger: bool
    """Whether the folder has a batch ledger."""


def load_results(folder: Path, challenge: str | None, skip: Path | None = None) -> Loading:
    """The results under `folder` (`*/result.json`, and those the ledger names) for one
    challenge: `challenge`, or the only one there is. Mixing challenges without choosing one,
    or finding none, is a HarnessError (exit 2)."""
    if not folder.is_dir():
        raise HarnessError(f"{folder}: no such folder", hint="pass a folder of graded results")
    ledger = read_ledger(folder)
    notes: list[str] = []
    found: list[Loaded] = []
    for path in _result_paths(folder, ledger, skip):
        try:
            result = read_result(path)
        except HarnessError as err:
            shown = _shown(path, folder)
            notes.append(_unread_note(path, shown, err))
            continue
        found.append(Loaded(path, result, _senders(ledger, result.submission.id)))
    if not found:
        raise HarnessError(
            f"{folder}: no readable result.json in it or its subfolders",
            hint="grade submissions first: `grade batch ... --out DIR`",
        )
    chosen = _one_challenge(found, challenge, folder)
    if len(chosen) < len(found):
        notes.append(f"{len(found) - len(chosen)} results of other challenges left out")
    unique, duplicates = _latest_per_submission(chosen)
    notes += duplicates
    return Loading(tuple(unique), tuple(notes), ledger.path.is_file())


def _unread_note(path: Path, shown: str, err: HarnessError) -> str:
    """Why a result is left out; a portfolio review (`grade repo`) is named as one."""
    from harness.portfolio.cohort import result_kind

    if result_kind(path) == "portfolio":
        return f"{shown}: a portfolio review, not a take-home result (left out)"
    return f"{err.message.replace(str(path), shown)} (left out)"


def _result_paths(folder: Path, ledger: Ledger, skip: Path | None) -> list[Path]:
    paths = {p.resolve() for p in folder.glob(f"*/{RESULT_FILE}")}
    for entry in ledger.latest():
        if entry.status == "graded" and entry.result:
            candidate = folder / entry.result
            if candidate.is_file():
                paths.add(candidate.resolve())
    if skip is not None:
        skipped = skip.resolve()
        paths = {p for p in paths if not p.is_relative_to(skipped)}
    return sorted(paths)


def _shown(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder.resolve()))
    except ValueError:
        return str(path)


def _senders(ledger: Ledger, sha256: str) -> tuple[Sender, ...]:
    senders: dict[Sender, None] = {}
    for entry in ledger.latest():
        if entry.key.sha256 == sha256:
            senders.update(dict.fromkeys(entry.senders))
    return tuple(senders)


def _one_challenge(found: Sequence[Loaded], challenge: str | None, folder: Path) -> list[Loaded]:
    counts = Counter(loaded.result.challenge.id for loaded in found)
    if challenge is not None:
        if challenge not in counts:
            there = ", ".join(sorted(counts))
            raise HarnessError(f"{folder}: no results of challenge {challenge!r} (there: {there})")
        return [loaded for loaded in found if loaded.result.challenge.id == challenge]
    if len(counts) > 1:
        there = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))
        raise HarnessError(
            f"{folder} mixes results of {len(counts)} challenges: {there}",
            hint="a cohort compares one challenge: pass --challenge ID",
        )
    return list(found)


def _latest_per_submission(found: Sequence[Loaded]) -> tuple[list[Loaded], list[str]]:
    """One row per submission: a zip graded twice (another grader version) keeps its latest."""
    latest: dict[str, Loaded] = {}
    for loaded in found:
        sha = loaded.result.submission.id
        kept = latest.get(sha)
        if kept is None or loaded.result.provenance.created > kept.result.provenance.created:
            latest[sha] = loaded
    dropped = len(found) - len(latest)
    notes = [f"{dropped} older results of a submission graded again left out"] if dropped else []
    return sorted(latest.values(), key=lambda loaded: str(loaded.path)), notes
