"""Blind mode: stable pseudonyms from a keyed hash, and names taken out of everything shown.

The key is 32 random bytes kept in `DIR/.cohort-key` (mode 0600), made the first time a
cohort of DIR is run blind and reused after: the same submission gets the same pseudonym on
every run with that key, and a different one with another key, so nobody can work back from a
pseudonym to a zip without the key. A pseudonym is "Candidate " and the first four hex digits
of HMAC-SHA256(key, submission id); where two submissions of a cohort would share one, both
get more digits.

Redaction replaces every name, contact and file name the ledger or the result holds for a
submission (and each part of a name of three letters or more) with "[name]", wherever it
stands as a word, in every text of the result: write-up excerpts, evidence, messages, logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from harness.batch.ledger import Sender
from harness.errors import HarnessError
from harness.models import Result

KEY_FILE = ".cohort-key"
KEY_BYTES = 32
REDACTED = "[name]"
SHORT, LONG = 4, 8
MIN_PART = 3
"""A part of a name shorter than this ("Li", "Jo") is not redacted on its own: too many words
would go with it. The whole name still is."""
KEPT_KEYS = frozenset(
    [
        "id",
        "check",
        "dimension",
        "status",
        "verdict",
        "kind",
        "schema_version",
        "backend",
        "created",
        "harness_version",
        "image_id",
        "metric",
        "version",
    ]
)
"""Fields of a result that hold identifiers or enumerations, never anything a person wrote."""


def cohort_key(folder: Path) -> bytes:
    """The key of `folder`'s cohort: read from `.cohort-key`, or made once (mode 0600)."""
    path = folder / KEY_FILE
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as err:
        raise HarnessError(f"cannot write {path}: {err.strerror or err}") from err
    key = secrets.token_bytes(KEY_BYTES)
    try:
        os.write(handle, key.hex().encode() + b"\n")
        os.fsync(handle)
    finally:
        os.close(handle)
    return key


def _read_key(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as err:
        raise HarnessError(
            f"{path} is not a cohort key",
            hint="restore it from a backup, or remove it to make new pseudonyms",
        ) from err
    if len(key) < KEY_BYTES // 2:
        raise HarnessError(f"{path} is not a cohort key: too short")
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    return key


def keyed(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def pseudonyms(key: bytes, ids: Iterable[str]) -> dict[str, str]:
    """Submission id -> "Candidate 7F3A", unique within these ids."""
    digests = {sha: keyed(key, f"pseudonym:{sha}").upper() for sha in dict.fromkeys(ids)}
    short = {sha: digest[:SHORT] for sha, digest in digests.items()}
    taken = list(short.values())
    named = {}
    for sha, digest in digests.items():
        length = SHORT if taken.count(short[sha]) == 1 else LONG
        named[sha] = f"Candidate {digest[:length]}"
    if len(set(named.values())) < len(named):  # eight hex digits collided: use them all
        named = {sha: f"Candidate {digest}" for sha, digest in digests.items()}
    return named


def blind_id(key: bytes, sha256: str) -> str:
    """A stand-in for the submission id that cannot be traced back to the zip without the key."""
    return keyed(key, f"id:{sha256}")


def slug(pseudonym: str) -> str:
    """`Candidate 7F3A` -> `candidate-7f3a`: a file name for the blind report."""
    return "-".join(pseudonym.lower().split())


def identifying(senders: Sequence[Sender], result: Result) -> tuple[str, ...]:
    """Every text that would name who sent this submission, longest first."""
    terms: set[str] = set()
    terms.add(result.submission.candidate.strip())  # the zip's stem, or a name: whole
    for name in (s.name for s in senders):
        terms.add(name.strip())
        terms.update(part for part in re.split(r"[\s,;()<>\"'-]+", name) if len(part) >= MIN_PART)
    for contact in (s.contact for s in senders):
        terms.add(contact.strip())
        local = contact.split("@", 1)[0] if "@" in contact else ""
        if len(local) >= MIN_PART:
            terms.add(local)
    for file in [s.file for s in senders] + [result.submission.file]:
        terms.update(_file_names(file))
    return tuple(sorted((t for t in terms if len(t) >= MIN_PART), key=lambda t: (-len(t), t)))


def _file_names(file: str) -> set[str]:
    names = {file.strip()}
    for flavour in (PurePosixPath(file), PureWindowsPath(file)):
        names |= {flavour.name, flavour.stem}
    return {name for name in names if name}


class Redactor:
    """Replaces a fixed set of terms, case-insensitively, where each stands as a word."""

    def __init__(self, terms: Iterable[str]) -> None:
        ordered = sorted({t for t in terms if t}, key=lambda t: (-len(t), t))
        alternatives = "|".join(re.escape(term) for term in ordered)
        self._pattern = (
            re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", re.IGNORECASE)
            if ordered
            else None
        )

    def text(self, value: str) -> str:
        return value if self._pattern is None else self._pattern.sub(REDACTED, value)

    def data(self, value: Any, key: str = "") -> Any:
        """A JSON-like value with every string redacted, except identifiers (`KEPT_KEYS`)."""
        if isinstance(value, str):
            return value if key in KEPT_KEYS else self.text(value)
        if isinstance(value, Mapping):
            return {k: self.data(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(item, key) for item in value]
        return value


def blind_result(result: Result, pseudonym: str, new_id: str, redactor: Redactor) -> Result:
    """The result as a blind report shows it: the pseudonym for the candidate and the zip, a
    keyed id, and every name redacted in what the submission wrote."""
    data = redactor.data(result.model_dump(mode="json"))
    data["submission"].update(id=new_id, candidate=pseudonym, file=f"{slug(pseudonym)}.zip")
    return Result.model_validate(data)
