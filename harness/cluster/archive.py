"""A challenge as one content-addressed archive: what a cluster worker grades against.

The archive is a tar of the challenge folder (its private side included) and, for a bundled
challenge whose rubric lives under `rubrics/`, that rubric, laid out as on the coordinator
(`challenges/<id>/...`, `rubrics/<id>.toml`) so the worker finds everything where a local
grading does. It is deterministic (sorted names, no times, owners or host modes), so its
SHA-256 names its content: the same challenge is the same key on every coordinator, shipped
to a worker once and unpacked there once, into a folder only the worker's user can read.
Containers never see that folder: a stage mounts the public training data and the holdout's
features file only, exactly as in a local grading (`harness.sandbox.stages`).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.challenges.model import Challenge
from harness.errors import HarnessError

CHALLENGES = "challenges"
RUBRICS = "rubrics"
SKIPPED = frozenset({"__pycache__", ".DS_Store", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
READY = ".grade-ready"
"""Written last in an unpacked archive: a folder without it is half-made and not used."""


@dataclass(frozen=True)
class ChallengeArchive:
    """The archive's bytes and their SHA-256, with the challenge it holds."""

    challenge: str
    sha256: str
    data: bytes

    @property
    def key(self) -> str:
        """The Dask key it travels under: the same content is the same key everywhere."""
        return f"grade-challenge-{self.sha256}"


def pack_challenge(challenge: Challenge) -> ChallengeArchive:
    """The archive of one challenge; a folder that cannot be read is a one-line error."""
    buffer = io.BytesIO()
    try:
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, source in _members(challenge):
                _add(tar, name, source.read_bytes())
    except OSError as err:
        raise HarnessError(
            f"cannot pack challenge {challenge.id!r} for the cluster: {err.strerror or err}",
            hint=f"check that {challenge.folder} can be read",
        ) from err
    data = buffer.getvalue()
    return ChallengeArchive(challenge.id, hashlib.sha256(data).hexdigest(), data)


def _members(challenge: Challenge) -> Iterator[tuple[str, Path]]:
    """(name in the archive, file) for every file, sorted by name."""
    members = [
        (f"{CHALLENGES}/{challenge.id}/{path.relative_to(challenge.folder).as_posix()}", path)
        for path in _files(challenge.folder)
    ]
    rubric = challenge.rubric_path
    if rubric.is_file() and not rubric.is_relative_to(challenge.folder):
        members.append((f"{RUBRICS}/{challenge.id}.toml", rubric))
    return iter(sorted(members))


def _files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
        for name in sorted(files):
            path = Path(root) / name
            if name not in SKIPPED and path.is_file():
                yield path


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def unpack_cached(archive: ChallengeArchive, cache: Path) -> Path:
    """The `challenges/` folder of the archive unpacked under `cache/<sha256>/`, reused when
    an earlier task unpacked it. Bytes that do not match their hash are refused."""
    if hashlib.sha256(archive.data).hexdigest() != archive.sha256:
        raise HarnessError(f"the archive of challenge {archive.challenge!r} arrived damaged")
    final = cache / archive.sha256
    if not (final / READY).is_file():
        _unpack(archive, cache, final)
    return final / CHALLENGES


def _unpack(archive: ChallengeArchive, cache: Path, final: Path) -> None:
    """Unpack into a staging folder beside `final`, then rename it into place: two tasks
    unpacking at once both succeed, and the second one's copy is dropped."""
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    cache.chmod(0o700)  # the private side: readable by this worker's user only
    staging = Path(tempfile.mkdtemp(prefix=f".{archive.sha256[:12]}-", dir=cache))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.data), mode="r:") as tar:
            tar.extractall(staging, filter="data")
        (staging / READY).write_text(archive.sha256)
        if final.exists() and not (final / READY).is_file():
            shutil.rmtree(final, ignore_errors=True)  # a half-made one a killed worker left
        try:
            staging.rename(final)
        except OSError:
            if not (final / READY).is_file():
                raise
    except (OSError, tarfile.TarError) as err:
        raise HarnessError(f"cannot unpack challenge {archive.challenge!r}: {err}") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
