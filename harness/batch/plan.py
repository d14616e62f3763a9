"""Before anything runs: which submissions need grading, which the ledger already has, and
which are refused.

Each distinct zip (by SHA-256) is checked once through intake, into a temporary folder, for
its contract's challenge: with the challenge's version and the grader's, that is its ledger
key. Identical zips are one submission with all their senders. What intake or the catalog
refuses is refused here, before a worker is spent on it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness import __version__
from harness.batch.inputs import Wanted
from harness.batch.ledger import Entry, Key, Ledger, Sender
from harness.challenges.catalog import Catalog
from harness.errors import HarnessError
from harness.intake import intake, sha256_file


@dataclass(frozen=True)
class Submission:
    """One distinct zip and everyone who sent it."""

    path: Path
    sha256: str
    senders: tuple[Sender, ...]

    @property
    def file(self) -> str:
        return self.senders[0].file

    @property
    def candidate(self) -> str:
        """The name its result shows: the senders' names, else the zip's name."""
        names = [s.name for s in self.senders if s.name]
        return ", ".join(dict.fromkeys(names)) or self.path.stem


@dataclass(frozen=True)
class Refused:
    """A row that cannot be graded as it is; `key` is None when there were no bytes to key."""

    file: str
    message: str
    key: Key | None = None
    senders: tuple[Sender, ...] = ()


@dataclass(frozen=True)
class Job:
    submission: Submission
    key: Key


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    cached: list[tuple[Submission, Entry]] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def make_plan(wanted: Sequence[Wanted], catalog: Catalog, ledger: Ledger, regrade: bool) -> Plan:
    plan = Plan()
    for submission in _distinct(wanted, plan):
        try:
            key = _key(submission, catalog)
        except _UnkeyedError as refused:
            plan.refused.append(refused.row)
            continue
        if ledger.complete(key) and not regrade:
            plan.cached.append((submission, ledger.entries[key]))
        else:
            plan.jobs.append(Job(submission, key))
    return plan


def _distinct(wanted: Sequence[Wanted], plan: Plan) -> list[Submission]:
    """One submission per SHA-256, its senders in input order; unreadable rows go to `plan`."""
    paths: dict[str, Path] = {}
    senders: dict[str, list[Sender]] = {}
    for one in wanted:
        if one.problem:
            plan.refused.append(Refused(one.sender.file, one.problem, senders=(one.sender,)))
            continue
        try:
            sha = sha256_file(one.path)
        except OSError as err:
            message = f"{one.sender.file}: cannot read it ({err.strerror or err})"
            plan.refused.append(Refused(one.sender.file, message, senders=(one.sender,)))
            continue
        paths.setdefault(sha, one.path)
        if one.sender not in senders.setdefault(sha, []):
            senders[sha].append(one.sender)
    return [Submission(paths[sha], sha, tuple(senders[sha])) for sha in paths]


class _UnkeyedError(Exception):
    def __init__(self, row: Refused) -> None:
        super().__init__(row.message)
        self.row = row


def _key(submission: Submission, catalog: Catalog) -> Key:
    """The ledger key, from the contract read through intake; refusals keep the bytes' hash."""
    challenge_id = ""
    try:
        with tempfile.TemporaryDirectory(prefix="grade-batch-") as tmp:
            contract = intake(submission.path, Path(tmp) / "submission").contract
        challenge_id = contract.challenge
        version = catalog.get(challenge_id).version
    except HarnessError as err:
        key = Key(submission.sha256, challenge_id, "", __version__)
        row = Refused(submission.file, err.one_line(), key, submission.senders)
        raise _UnkeyedError(row) from err
    return Key(submission.sha256, challenge_id, version, __version__)
