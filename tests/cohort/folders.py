"""Folders of graded results for the cohort's tests: real result.json and report.html files
built from the report's sample results, with a batch ledger naming who sent each zip."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.batch.ledger import Entry, Key, Ledger, Sender
from harness.models import Evidence, Finding, Result, TrapVerdict
from harness.report import write_report
from tests.report.sample import sample_result
from tests.zipkit import write_zip

REPO = Path(__file__).resolve().parents[2]
CAREFUL = REPO / "challenges" / "customer-churn" / "reference" / "careful"


@dataclass(frozen=True)
class Person:
    name: str
    contact: str
    file: str
    verdict: TrapVerdict
    total: float
    """Every dimension's score, so the sort order is known."""


PEOPLE: tuple[Person, ...] = (
    Person("Ada Lovelace", "ada@example.com", "lovelace-churn.zip", "handled", 0.9),
    Person("Grace Hopper", "grace.hopper@example.org", "ghopper_submission.zip", "missed", 0.4),
    Person("Katherine Johnson", "+1 555 0100", "kj-take-home.zip", "missed", 0.6),
    Person("Alan Turing", "alan@turing.example", "turing.zip", "handled", 0.75),
)


def person_result(person: Person, sha256: str) -> Result:
    """The sample result of `person`: their name on the zip and, as candidates do, in their
    write-up, their file names and their contact at the end of it."""
    base = sample_result(person.verdict, with_followup=False)
    stem = Path(person.file).stem
    signed = Finding(
        check="comms.structure",
        dimension="communication",
        status="pass",
        score=0.8,
        message=f"the write-up is signed by {person.name}",
        evidence=(
            Evidence(
                kind="text",
                path=f"docs/{stem}-notes.md",
                lines=(1, 2),
                excerpt=f"# Churn, by {person.name}\nQuestions: {person.contact} ({person.file})",
            ),
        ),
    )
    findings = (*(f for f in base.findings if f.check != "comms.structure"), signed)
    dimensions = {
        name: score.model_copy(update={"score": person.total})
        for name, score in base.dimensions.items()
    }
    return base.model_copy(
        update={
            "submission": base.submission.model_copy(
                update={"id": sha256, "candidate": stem, "file": person.file}
            ),
            "findings": findings,
            "dimensions": dimensions,
        }
    )


def write_result(folder: Path, result: Result, report: bool = True) -> Path:
    out = folder / result.submission.id
    out.mkdir(parents=True)
    path = out / "result.json"
    path.write_text(result.to_json(), encoding="utf-8")
    if report:
        write_report(result, out / "report.html")
    return path


def cohort_folder(folder: Path, people: Sequence[Person] = PEOPLE, zips: bool = False) -> Path:
    """`folder` as `grade batch` leaves it: a result folder per submission and the ledger
    naming each sender. With `zips`, each person's zip is really there (the careful reference
    with a note of their own), so similarity can run."""
    ledger = Ledger(folder)
    incoming = folder.parent / f"{folder.name}-incoming"
    for index, person in enumerate(people):
        if zips:
            incoming.mkdir(exist_ok=True)
            zip_path = write_zip(incoming / person.file, _careful_files(f"by {index}"))
            sha = hashlib.sha256(zip_path.read_bytes()).hexdigest()
            file = str(zip_path)
        else:
            sha = hashlib.sha256(person.file.encode()).hexdigest()
            file = f"incoming/{person.file}"
        result = person_result(person, sha)
        path = write_result(folder, result)
        key = Key(sha, result.challenge.id, result.challenge.version, "test")
        sender = Sender(file, person.name, person.contact)
        ledger.record(Entry(key, "graded", "graded", str(path.relative_to(folder)), (sender,)))
    return folder


def _careful_files(note: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for path in sorted(CAREFUL.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[str(path.relative_to(CAREFUL))] = path.read_bytes()
    files["NOTE.txt"] = note
    return files


def every_identifier(people: Sequence[Person] = PEOPLE) -> list[str]:
    """What blind output must never hold: each name, contact and file name, and its parts."""
    found: list[str] = []
    for person in people:
        found += [person.name, person.contact, person.file, Path(person.file).stem]
        found += person.name.split()
    return found
