"""The batch ledger: what has been graded in an out folder, the source of truth for reruns.

`ledger.jsonl` in the out folder holds one JSON object per line, appended whole (one
`write` of one line, flushed and fsynced) only by the coordinator, so an interrupt leaves
every line either complete or absent; a torn last line (a power cut) is ignored when read.
An entry is keyed by (submission SHA-256, challenge id, challenge version, grader version):
a later line for the same key replaces an earlier one, so a regrade appends and never edits.

Who sent a submission (names, contacts, the file as given) lives here and nowhere in
`result.json`, so blind output can leave it out entirely.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness.errors import HarnessError

LEDGER_FILE = "ledger.jsonl"
Status = Literal["graded", "error", "refused"]
"""`graded`: a result exists (whatever its stages did); `refused`: bad input (not a zip, a
broken contract, an unknown challenge), the candidate's to fix; `error`: the grader failed
(a bug or the engine), to be retried."""


@dataclass(frozen=True)
class Sender:
    """One person who sent these bytes (two manifest rows may name the same zip)."""

    file: str
    """The zip as the grader gave it (a path or a manifest's value)."""
    name: str = ""
    contact: str = ""
    path: str = ""
    """Where the zip was found, absolute (a manifest's paths are relative to the manifest):
    what a cohort unpacks again for similarity, from any folder."""


@dataclass(frozen=True)
class Key:
    sha256: str
    challenge: str
    challenge_version: str
    grader_version: str


@dataclass(frozen=True)
class Entry:
    """One submission's outcome in a batch."""

    key: Key
    status: Status
    message: str = ""
    """One line: what happened (`graded`: the trap verdict; else the error)."""
    result: str = ""
    """`result.json` relative to the out folder, when graded."""
    senders: tuple[Sender, ...] = ()
    finished: str = ""
    """When it ended, ISO 8601 with a UTC offset."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        return cls(
            key=Key(**data["key"]),
            status=data["status"],
            message=str(data.get("message", "")),
            result=str(data.get("result", "")),
            senders=tuple(Sender(**s) for s in data.get("senders", ())),
            finished=str(data.get("finished", "")),
        )


@dataclass
class Ledger:
    """The entries of one out folder, the latest per key."""

    folder: Path
    entries: dict[Key, Entry] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / LEDGER_FILE

    def complete(self, key: Key) -> bool:
        """Whether this key is graded and its result is still on disk."""
        entry = self.entries.get(key)
        return (
            entry is not None
            and entry.status == "graded"
            and (self.folder / entry.result).is_file()
        )

    def record(self, entry: Entry) -> None:
        """Append one entry as one whole line, then take it as the latest for its key."""
        line = (entry.to_json() + "\n").encode("utf-8")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(handle, line)
                os.fsync(handle)
            finally:
                os.close(handle)
        except OSError as err:
            raise HarnessError(f"cannot write {self.path}: {err.strerror or err}") from err
        self.entries[entry.key] = entry

    def latest(self) -> Sequence[Entry]:
        return list(self.entries.values())


def read_ledger(folder: Path) -> Ledger:
    """The ledger of an out folder (empty when there is none); torn or foreign lines are
    skipped, never fatal."""
    ledger = Ledger(folder)
    for entry in _entries(folder / LEDGER_FILE):
        ledger.entries[entry.key] = entry
    return ledger


def _entries(path: Path) -> Iterator[Entry]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return
    except OSError as err:
        raise HarnessError(f"cannot read {path}: {err.strerror or err}") from err
    for line in lines:
        try:
            yield Entry.from_json(json.loads(line))
        except (ValueError, KeyError, TypeError):
            continue
