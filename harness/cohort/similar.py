"""Similarity across the cohort: the source zips the ledger lists, unpacked safely, compared
with each other and with the challenge's references, the public bundle as boilerplate.

A similar pair is a question for the interviewer, never a change to any score. Without the
zips (a folder of results with no ledger, or zips moved since) similarity is not run, and the
page says so and why.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.batch.ledger import Sender
from harness.challenges.bundle import bundle_files
from harness.challenges.model import REFERENCES, Challenge
from harness.cohort.loading import Loaded
from harness.errors import HarnessError
from harness.intake import intake, sha256_file
from harness.similarity import DEFAULT_THRESHOLD, SimilarPair, find_similar, write_similarity

REFERENCE_PREFIX = "reference:"


@dataclass(frozen=True)
class Similarity:
    """What the comparison found, or why it did not run."""

    ran: bool
    note: str
    pairs: tuple[SimilarPair, ...] = ()
    threshold: float = DEFAULT_THRESHOLD


def run_similarity(
    loaded: Sequence[Loaded],
    challenge: Challenge | None,
    labels: Mapping[str, str],
    folder: Path,
    threshold: float = DEFAULT_THRESHOLD,
) -> Similarity:
    """Compare every submission whose zip is still where the ledger says; write
    `similarity.json` beside each compared result. `labels`: submission id -> its name."""
    zips = {item.result.submission.id: _source_zip(item.senders, item, folder) for item in loaded}
    found = {sha: path for sha, path in zips.items() if path is not None}
    if not found:
        why = (
            "the folder has no batch ledger listing the submissions' zips"
            if not any(item.senders for item in loaded)
            else "none of the zips the ledger lists is still there with the same bytes"
        )
        return Similarity(False, f"Similarity was not run: {why}.", threshold=threshold)
    with tempfile.TemporaryDirectory(prefix="grade-cohort-") as temp:
        root = Path(temp)
        unpacked, problems = _unpack(found, root, labels)
        references = _references(challenge)
        if len(unpacked) + len(references) < 2 or not unpacked:
            return Similarity(False, "Similarity was not run: " + _too_few(problems) + ".")
        pairs = find_similar(unpacked, references, _boilerplate(challenge, root), threshold)
    for item in loaded:
        sha = item.result.submission.id
        if sha in unpacked:
            mine = [p for p in pairs if sha in (p.a, p.b)]
            write_similarity(
                item.path.parent, mine, _all_labels(labels, references), threshold, this=sha
            )
    return Similarity(True, _ran_note(len(unpacked), len(loaded), references, problems),
                      tuple(pairs), threshold)  # fmt: skip


def _source_zip(senders: Sequence[Sender], item: Loaded, folder: Path) -> Path | None:
    """The first zip a sender names that still holds exactly the graded bytes."""
    for sender in senders:
        for path in (Path(sender.path or sender.file), Path(sender.file), folder / sender.file):
            try:
                if path.is_file() and sha256_file(path) == item.result.submission.id:
                    return path
            except OSError:
                continue
    return None


def _unpack(
    found: Mapping[str, Path], root: Path, labels: Mapping[str, str]
) -> tuple[dict[str, Path], list[str]]:
    unpacked: dict[str, Path] = {}
    problems: list[str] = []
    for index, (sha, path) in enumerate(sorted(found.items())):
        dest = root / "submissions" / f"{index:04d}"
        try:
            intake(path, dest)
        except HarnessError as err:
            problems.append(f"{labels.get(sha, sha[:12])}: {err.message}")
            continue
        unpacked[sha] = dest
    return unpacked, problems


def _references(challenge: Challenge | None) -> dict[str, Path]:
    if challenge is None:
        return {}
    return {
        f"{REFERENCE_PREFIX}{kind}": challenge.reference(kind)
        for kind in REFERENCES
        if challenge.reference(kind).is_dir()
    }


def _boilerplate(challenge: Challenge | None, root: Path) -> list[Path]:
    """The public bundle's files, which every candidate starts from."""
    if challenge is None:
        return []
    try:
        files = bundle_files(challenge)
    except HarnessError:
        return sorted(p for p in challenge.public.rglob("*") if p.is_file())
    written = []
    for name, data in sorted(files.items()):
        path = root / "bundle" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def _all_labels(labels: Mapping[str, str], references: Mapping[str, Path]) -> dict[str, str]:
    named = {ref: f"the {ref.removeprefix(REFERENCE_PREFIX)} reference" for ref in references}
    return {**labels, **named}


def reference_label(label: str) -> str | None:
    """`reference:careful` -> `the careful reference`; None for a submission's label."""
    if label.startswith(REFERENCE_PREFIX):
        return f"the {label.removeprefix(REFERENCE_PREFIX)} reference"
    return None


def _too_few(problems: Sequence[str]) -> str:
    if problems:
        return "no zip could be unpacked (" + "; ".join(problems) + ")"
    return "fewer than two sides to compare (no other zip and no reference)"


def _ran_note(
    compared: int, total: int, references: Mapping[str, Path], problems: list[str]
) -> str:
    what = f"{compared} of {total} submissions compared with each other"
    if references:
        names = " and ".join(r.removeprefix(REFERENCE_PREFIX) for r in references)
        what += f" and with the {names} references"
    what += ", the public bundle's files as boilerplate."
    if compared < total:
        what += f" {total - compared} could not be compared: their zip is not where the ledger says"
        what += " or could not be unpacked (" + "; ".join(problems) + ")." if problems else "."
    return what
