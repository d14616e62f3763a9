"""The submission zip a candidate should send: their folder without what grading never needs.

Left out, and said so: caches and build leftovers, virtual environments, version control,
copies of the challenge's own files (the grader mounts the data itself), data files over
10 MiB, model artefacts built locally (`train` builds them again at grading), symbolic links
(intake refuses them), anything that is not a regular file, and earlier submission zips.
The zip's bytes depend only on the files kept: fixed dates, sorted names.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.challenges.bundle import bundle_files
from harness.challenges.model import Challenge
from harness.errors import HarnessError
from harness.files import replacing
from harness.intake import JUNK_DIRS, JUNK_FILES, IntakeLimits, sha256_file
from harness.inventory import DATA_SUFFIXES, MODEL_SUFFIXES
from harness.selfcheck.items import LeftOut, plural

MiB = 1024 * 1024
LARGE_DATA_BYTES = 10 * MiB
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
REASONS = {
    "caches": "caches and build leftovers",
    "environments": "virtual environments",
    "vcs": "version control",
    "copies": "copies of the challenge's own files (the grader mounts its data itself)",
    "large_data": f"data files over {LARGE_DATA_BYTES // MiB} MiB",
    "models": "model artefacts built locally (train builds them again at grading)",
    "links": "symbolic links (intake refuses links: put the file itself there if your code "
    "needs it)",
    "special": "not regular files (pipes, sockets, devices)",
    "zips": "earlier submission zips",
}
"""Why a file is left out, by kind."""
HARMLESS = frozenset({"caches"})
"""Kinds that would not matter in a zip of the folder as it is."""
CACHE_DIRS = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".ipynb_checkpoints", ".tox",
     ".nox", ".hypothesis", ".eggs", "htmlcov", "__MACOSX"}
)  # fmt: skip
ENV_DIRS = frozenset({".venv", "venv", "site-packages", "node_modules", "__pypackages__"})
VCS_DIRS = frozenset({".git", ".hg", ".svn"})
CACHE_FILES = frozenset({".DS_Store", "Thumbs.db", ".coverage"})
CACHE_SUFFIXES = frozenset({".pyc", ".pyo"})
CONTRACT_FILE = "assessment.toml"


@dataclass
class AsIs:
    """A zip of the folder as it is (what intake itself drops aside): its size and files."""

    files: int = 0
    total_bytes: int = 0
    oversized: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class PackPlan:
    """Which files of the folder go into the zip, and which are left out and why."""

    folder: Path
    files: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    links: tuple[str, ...]
    as_is: AsIs

    def matters(self) -> list[LeftOut]:
        """What is left out that a zip of the folder as it is would wrongly carry."""
        return [group for group in self.left_out if group.kind not in HARMLESS]


def plan_pack(folder: Path, challenge: Challenge | None, skip: Path | None = None) -> PackPlan:
    """Sort every entry under `folder` into kept and left out (`skip`: the zip being written)."""
    sorter = _Sorter(folder, _public_copies(challenge), skip)
    sorter.visit(folder, ())
    return sorter.plan()


def write_zip(folder: Path, files: Iterable[str], out: Path) -> Path:
    """Write the kept files at the top of a zip, atomically, with reproducible bytes."""
    with replacing(out) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            _add(archive, folder / name, name)
    return out


def as_is_problems(plan: PackPlan, limits: IntakeLimits) -> list[str]:
    """What intake would refuse in a zip of the folder exactly as it is."""
    one_file = size_text(limits.max_file_bytes)
    problems = [
        f"{path} is {size_text(size)}, over the {one_file} limit for one file"
        for path, size in plan.as_is.oversized
    ]
    if plan.links:
        problems.append(f"intake refuses symbolic links: {_some(plan.links)}")
    if plan.as_is.files > limits.max_files:
        problems.append(f"{plan.as_is.files:,} files, over the limit of {limits.max_files:,}")
    if plan.as_is.total_bytes > limits.max_total_bytes:
        problems.append(
            f"{size_text(plan.as_is.total_bytes)} in all, over the "
            f"{size_text(limits.max_total_bytes)} limit"
        )
    return problems


def describe(group: LeftOut) -> str:
    """`virtual environments: .venv/ with 2,345 files (12.0 MiB)`."""
    size = f" ({size_text(group.size_bytes)})" if group.size_bytes else ""
    return f"{group.reason}: {_some(group.paths)}{size}"


class _Sorter:
    """Walks the folder once, without following links, sorting each entry."""

    def __init__(self, folder: Path, copies: set[tuple[int, str]], skip: Path | None) -> None:
        self.folder = folder
        self.copies = copies
        self.skip = skip.resolve() if skip is not None else None
        self.kept: list[str] = []
        self.groups: dict[str, dict[str, int]] = {}
        self.links: list[str] = []
        self.as_is = AsIs()
        self.limit = IntakeLimits().max_file_bytes

    def visit(self, directory: Path, parts: tuple[str, ...]) -> None:
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            relative = "/".join((*parts, entry.name))
            if entry.is_symlink():
                self.links.append(relative)
                self._leave("links", relative, 0)
            elif entry.is_dir(follow_symlinks=False):
                self._visit_dir(Path(entry.path), (*parts, entry.name))
            elif entry.is_file(follow_symlinks=False):
                self._visit_file(Path(entry.path), relative, entry.stat(follow_symlinks=False))
            else:
                self._leave("special", relative, 0)

    def _visit_dir(self, path: Path, parts: tuple[str, ...]) -> None:
        kind = _dir_kind(path)
        if kind is None:
            self.visit(path, parts)
            return
        count, size = self._count_inside(path, parts)
        self._leave(kind, "/".join(parts) + f"/ with {plural(count, 'file')}", size)

    def _visit_file(self, path: Path, relative: str, info: os.stat_result) -> None:
        self._count_as_is(relative, info.st_size)
        kind = self._file_kind(path, relative, info.st_size)
        if kind is None:
            self.kept.append(relative)
        else:
            self._leave(kind, relative, info.st_size)

    def _file_kind(self, path: Path, relative: str, size: int) -> str | None:
        suffix = path.suffix.lower()
        if path.name in CACHE_FILES or suffix in CACHE_SUFFIXES:
            return "caches"
        if relative == CONTRACT_FILE:
            return None
        if self.skip is not None and path.resolve() == self.skip:
            return "zips"
        if (size, "") in self.copies and (size, sha256_file(path)) in self.copies:
            return "copies"
        if suffix in DATA_SUFFIXES and size > LARGE_DATA_BYTES:
            return "large_data"
        if suffix in MODEL_SUFFIXES:
            return "models"
        return "zips" if suffix == ".zip" and _is_submission_zip(path) else None

    def _count_inside(self, path: Path, parts: tuple[str, ...]) -> tuple[int, int]:
        count = size = 0
        dropped_by_intake = bool(JUNK_DIRS & set(parts))
        for root, _dirs, names in os.walk(path):
            for name in names:
                file = Path(root) / name
                with_size = file.lstat()
                if not stat.S_ISREG(with_size.st_mode):
                    continue
                count, size = count + 1, size + with_size.st_size
                if not dropped_by_intake:
                    self._count_as_is(file.relative_to(self.folder).as_posix(), with_size.st_size)
        return count, size

    def _count_as_is(self, relative: str, size: int) -> None:
        if Path(relative).name in JUNK_FILES:
            return
        self.as_is.files += 1
        self.as_is.total_bytes += size
        if size > self.limit:
            self.as_is.oversized.append((relative, size))

    def _leave(self, kind: str, shown: str, size: int) -> None:
        self.groups.setdefault(kind, {})[shown] = size

    def plan(self) -> PackPlan:
        groups = tuple(
            LeftOut(
                kind=kind, reason=REASONS[kind], paths=tuple(paths), size_bytes=sum(paths.values())
            )
            for kind, paths in self.groups.items()
        )
        return PackPlan(self.folder, tuple(self.kept), groups, tuple(self.links), self.as_is)


def _dir_kind(path: Path) -> str | None:
    name = path.name
    if name in CACHE_DIRS or name.endswith(".egg-info"):
        return "caches"
    if name in VCS_DIRS:
        return "vcs"
    if name in ENV_DIRS or (path / "pyvenv.cfg").is_file() or (path / "conda-meta").is_dir():
        return "environments"
    return None


def _public_copies(challenge: Challenge | None) -> set[tuple[int, str]]:
    """(size, sha256) of the challenge bundle's files, and (size, "") to look up sizes fast.
    The template `assessment.toml` is not among them: a candidate's copy of it is theirs."""
    if challenge is None:
        return set()
    try:
        files = bundle_files(challenge)
    except (HarnessError, OSError):
        return set()
    files.pop(CONTRACT_FILE, None)
    found = {(len(b), hashlib.sha256(b).hexdigest()) for b in files.values() if b}
    return found | {(size, "") for size, _ in found}


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | (path.stat().st_mode & 0o755) | 0o644) << 16
    info.file_size = path.stat().st_size
    with path.open("rb") as source, archive.open(info, "w") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)


def _is_submission_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return any(name.split("/")[-1] == CONTRACT_FILE and name.count("/") <= 1 for name in names)


def _some(paths: Iterable[str], shown: int = 4) -> str:
    items = list(paths)
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def size_text(size: float) -> str:
    return f"{size / MiB:.1f} MiB" if size >= 0.1 * MiB else f"{size / 1024:.1f} KiB"
