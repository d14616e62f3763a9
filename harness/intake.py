"""Safe intake: unpack a submission zip, or refuse it with one line naming the entry and limit.

Every entry is checked against the zip's central directory before a single byte is
extracted: names (absolute, `..`, too deep), kinds (symlinks, devices, encrypted), duplicates,
overlapping data, declared sizes and compression ratios. Extraction then streams each file
and stops as soon as it produces more bytes than declared. Everything is unpacked into a
fresh staging folder beside the target and moved into place only when all of it succeeded,
so a refused zip leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from harness.contract import Contract, load_contract
from harness.errors import IntakeError
from harness.models import SubmissionInfo
from harness.sandbox.leftovers import claim_temp_folder

MiB = 1024 * 1024
CHUNK = 64 * 1024
JUNK_DIRS = frozenset({"__MACOSX", "__pycache__"})
JUNK_FILES = frozenset({".DS_Store"})
UNIX_SYSTEM = 3


@dataclass(frozen=True)
class IntakeLimits:
    """Limits on what a submission zip may hold. The defaults suit a take-home: code, a
    write-up, a few notebooks and a small model, with generous room to spare."""

    max_zip_bytes: int = 100 * MiB
    """The zip file itself."""
    max_entries: int = 20_000
    """Entries in the zip's directory (files, folders, metadata), checked before parsing."""
    max_files: int = 5_000
    """Files kept after dropping `__MACOSX/`, `.DS_Store` and `__pycache__/`."""
    max_total_bytes: int = 300 * MiB
    """All kept files together, uncompressed."""
    max_file_bytes: int = 100 * MiB
    """The largest single file, uncompressed."""
    max_entry_ratio: float = 200.0
    """Uncompressed / compressed size of one entry (zip bombs reach 1,000 and more)."""
    max_total_ratio: float = 100.0
    """Uncompressed / compressed size of the whole zip."""
    ratio_floor_bytes: int = 1 * MiB
    """Entries (and zips) smaller than this uncompressed are never refused for their ratio."""
    max_depth: int = 16
    """Folders a path may be nested in."""
    max_name_bytes: int = 255
    """Bytes in one path component (the usual filesystem limit)."""


@dataclass(frozen=True)
class Unpacked:
    """A zip unpacked safely into `root`."""

    root: Path
    files: tuple[str, ...]
    """Kept files, as POSIX paths relative to `root`, sorted."""
    total_bytes: int
    dropped: tuple[str, ...] = ()
    """Entries dropped as junk (macOS metadata, bytecode caches)."""
    collapsed: str | None = None
    """The single top-level folder that was collapsed, if any."""


@dataclass(frozen=True)
class _Planned:
    info: zipfile.ZipInfo
    parts: tuple[str, ...]


@dataclass
class _Plan:
    files: list[_Planned] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    collapsed: str | None = None


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks: a submission's id."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unpack(
    zip_path: Path,
    dest: Path,
    limits: IntakeLimits | None = None,
    accept: Callable[[Path], object] | None = None,
) -> Unpacked:
    """Unpack `zip_path` into `dest` (which must not exist yet), or raise `IntakeError`.

    `accept`, if given, is called on the staging folder before it is moved into place; if it
    raises, nothing is left behind either.
    """
    limits = limits or IntakeLimits()
    _check_zip_file(zip_path, limits)
    with _open_zip(zip_path) as archive:
        plan = _plan(archive, zip_path.stat().st_size, limits)
        with staged(dest) as staging:
            total = _extract(archive, plan.files, staging)
            if accept is not None:
                accept(staging)
    files = tuple(sorted("/".join(p.parts) for p in plan.files))
    return Unpacked(dest, files, total, tuple(plan.dropped), plan.collapsed)


@contextmanager
def staged(dest: Path) -> Iterator[Path]:
    """A fresh staging folder beside `dest`, moved into place only if the block succeeds;
    removed whatever happens otherwise. Readable by the sandbox user (mkdtemp makes 0700)."""
    _check_destination(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    claim_temp_folder(dest.parent)  # a harness temp folder: swept if this process is killed
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dest.parent))
    try:
        staging.chmod(0o755)
        yield staging
        staging.rename(dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_zip_file(zip_path: Path, limits: IntakeLimits) -> None:
    if not zip_path.exists():
        raise IntakeError(f"{zip_path}: no such file", hint="check the path to the zip")
    if not zip_path.is_file():
        raise IntakeError(f"{zip_path}: not a file", hint="give the path of a .zip file")
    size = zip_path.stat().st_size
    if size > limits.max_zip_bytes:
        raise IntakeError(
            f"{zip_path.name}: the zip is {_mib(size)}, over the {_mib(limits.max_zip_bytes)} "
            "limit",
            hint="leave data files and virtual environments out of the submission",
        )
    entries = _declared_entry_count(zip_path)
    if entries is not None and entries > limits.max_entries:
        raise IntakeError(
            f"{zip_path.name}: the zip lists {entries} entries, over the limit of "
            f"{limits.max_entries}"
        )


def _check_destination(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise IntakeError(
            f"{dest}: already exists and is not empty",
            hint="remove it, or unpack somewhere else",
        )
    if dest.exists():
        dest.rmdir()


def _open_zip(zip_path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        reason = _reason(err)
        detail = "" if reason == "File is not a zip file" else f" ({reason})"
        raise IntakeError(
            f"{zip_path.name}: not a zip file{detail}",
            hint="send the submission folder packed as a .zip",
        ) from err


def _declared_entry_count(zip_path: Path) -> int | None:
    """The entry count from the end-of-central-directory record, read without parsing
    the directory itself, so a zip listing millions of entries costs nothing to refuse."""
    size = zip_path.stat().st_size
    with zip_path.open("rb") as stream:
        stream.seek(max(0, size - (22 + 65535)))
        tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count: int = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    locator = tail[at - 20 : at] if at >= 20 else b""
    if count == 0xFFFF and locator[:4] == b"PK\x06\x07":
        return _zip64_entry_count(zip_path, struct.unpack("<Q", locator[8:16])[0])
    return count


def _zip64_entry_count(zip_path: Path, offset: int) -> int | None:
    with zip_path.open("rb") as stream:
        stream.seek(offset)
        record = stream.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        return None
    count: int = struct.unpack("<Q", record[32:40])[0]
    return count


def _plan(archive: zipfile.ZipFile, zip_size: int, limits: IntakeLimits) -> _Plan:
    """Check every entry against the directory and decide what to extract, where."""
    infos = archive.infolist()
    _check_overlaps(infos)
    plan = _Plan()
    for info in infos:
        parts = safe_parts(info.filename, limits)
        _check_kind(info)
        if _is_junk(parts):
            plan.dropped.append(info.filename)
        elif not info.is_dir():
            plan.files.append(_Planned(info, parts))
    if not plan.files:
        what = "is empty" if not infos else "holds no files (only folders or metadata)"
        raise IntakeError(f"the zip {what}", hint="zip the folder that holds your submission")
    _check_duplicates(plan.files)
    _check_sizes(plan.files, zip_size, limits)
    plan.files, plan.collapsed = _collapse_top_folder(plan.files)
    return plan


def safe_parts(name: str, limits: IntakeLimits) -> tuple[str, ...]:
    """An archive entry's path components, refusing any name that could land outside the
    target. Shared by every archive the harness unpacks: submission zips, sandbox outputs."""
    if "\x00" in name:
        raise IntakeError(f"entry {name!r}: the name holds a NUL character")
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        raise IntakeError(f"entry {name!r}: absolute paths are not allowed in a submission zip")
    parts = tuple(part for part in posix.split("/") if part not in ("", "."))
    if ".." in parts:
        raise IntakeError(f"entry {name!r}: '..' in a path would write outside the submission")
    if not parts:
        raise IntakeError(f"entry {name!r}: the name is empty")
    if len(parts) - 1 > limits.max_depth:
        raise IntakeError(
            f"entry {name!r}: nested {len(parts) - 1} folders deep, over the limit of "
            f"{limits.max_depth}"
        )
    for part in parts:
        if len(part.encode("utf-8", "surrogateescape")) > limits.max_name_bytes:
            raise IntakeError(
                f"entry {name!r}: a name is longer than {limits.max_name_bytes} bytes"
            )
    return parts


def _check_kind(info: zipfile.ZipInfo) -> None:
    """Refuse encrypted entries and anything but regular files and folders. Python's
    zipfile would extract a symlink entry as a small file holding the link target."""
    if info.flag_bits & 0x1:
        raise IntakeError(
            f"entry {info.filename!r}: encrypted entries are not accepted",
            hint="zip the folder again without a password",
        )
    kind = stat.S_IFMT(info.external_attr >> 16)
    if not kind or kind in (stat.S_IFREG, stat.S_IFDIR):  # no type bits: permissions only
        return
    names = {
        stat.S_IFLNK: "a symbolic link",
        stat.S_IFCHR: "a character device",
        stat.S_IFBLK: "a block device",
        stat.S_IFIFO: "a named pipe",
        stat.S_IFSOCK: "a socket",
    }
    what = names.get(kind, "a special file")
    raise IntakeError(
        f"entry {info.filename!r}: is {what}; only regular files and folders are accepted",
        hint="replace links with the files they point to",
    )


def _is_junk(parts: tuple[str, ...]) -> bool:
    return parts[-1] in JUNK_FILES or any(part in JUNK_DIRS for part in parts)


def _check_overlaps(infos: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse entries that share or overlap their compressed data: the trick behind
    zip bombs that inflate one small stream under many names."""
    by_offset = sorted(infos, key=lambda info: info.header_offset)
    for first, second in itertools.pairwise(by_offset):
        if first.header_offset + first.compress_size > second.header_offset:
            raise IntakeError(
                f"entry {second.filename!r}: its data overlaps entry {first.filename!r} "
                "(a crafted zip)"
            )


def _check_duplicates(files: Iterable[_Planned]) -> None:
    seen: dict[tuple[str, ...], str] = {}
    for planned in files:
        if planned.parts in seen:
            raise IntakeError(
                f"entry {planned.info.filename!r}: duplicate of {seen[planned.parts]!r}"
            )
        seen[planned.parts] = planned.info.filename
    for parts, name in seen.items():
        for depth in range(1, len(parts)):
            if parts[:depth] in seen:
                raise IntakeError(f"entry {name!r}: a file of the zip is also used as a folder")


def _check_sizes(files: list[_Planned], zip_size: int, limits: IntakeLimits) -> None:
    """Refuse by the declared sizes, before anything is extracted."""
    if len(files) > limits.max_files:
        raise IntakeError(
            f"the zip holds {len(files)} files, over the limit of {limits.max_files}",
            hint="leave virtual environments, data and caches out of the submission",
        )
    total = 0
    for planned in files:
        _check_entry_size(planned.info, limits)
        total += planned.info.file_size
        if total > limits.max_total_bytes:
            raise IntakeError(
                f"entry {planned.info.filename!r}: the files add up to more than "
                f"{_mib(limits.max_total_bytes)} uncompressed, over the limit",
                hint="leave data files and model binaries out of the submission",
            )
    if total > limits.ratio_floor_bytes and total > limits.max_total_ratio * max(zip_size, 1):
        raise IntakeError(
            f"the zip expands {total / max(zip_size, 1):.0f} times its size, over the "
            f"limit of {limits.max_total_ratio:.0f} (a zip bomb?)"
        )


def _check_entry_size(info: zipfile.ZipInfo, limits: IntakeLimits) -> None:
    if info.file_size > limits.max_file_bytes:
        raise IntakeError(
            f"entry {info.filename!r}: {_mib(info.file_size)} uncompressed, over the "
            f"{_mib(limits.max_file_bytes)} limit for one file",
            hint="leave data files and model binaries out of the submission",
        )
    if info.file_size <= limits.ratio_floor_bytes:
        return
    ratio = info.file_size / info.compress_size if info.compress_size else float("inf")
    if ratio > limits.max_entry_ratio:
        raise IntakeError(
            f"entry {info.filename!r}: expands {ratio:.0f} times, over the compression-ratio "
            f"limit of {limits.max_entry_ratio:.0f} (a zip bomb?)"
        )


def _collapse_top_folder(files: list[_Planned]) -> tuple[list[_Planned], str | None]:
    """`project/assessment.toml` becomes `assessment.toml` when everything is in `project/`."""
    tops = {planned.parts[0] for planned in files}
    if len(tops) != 1 or any(len(planned.parts) == 1 for planned in files):
        return files, None
    return [_Planned(p.info, p.parts[1:]) for p in files], tops.pop()


def _extract(archive: zipfile.ZipFile, files: Iterable[_Planned], staging: Path) -> int:
    """Stream each planned file into `staging`; returns the bytes written."""
    total = 0
    root = staging.resolve()
    for planned in files:
        target = root.joinpath(*planned.parts)
        if not target.resolve().is_relative_to(root):
            raise IntakeError(f"entry {planned.info.filename!r}: resolves outside the target")
        target.parent.mkdir(parents=True, exist_ok=True)
        total += _extract_one(archive, planned.info, target)
    return total


def _extract_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> int:
    written = 0
    try:
        with archive.open(info) as source, target.open("xb") as sink:
            for chunk in _chunks(source):
                written += len(chunk)
                if written > info.file_size:
                    break
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
        raise IntakeError(f"entry {info.filename!r}: cannot be read ({_reason(err)})") from err
    if written != info.file_size:
        raise IntakeError(
            f"entry {info.filename!r}: declares {info.file_size} bytes but holds "
            f"{'more' if written > info.file_size else written} (a corrupt or crafted zip)"
        )
    return written


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


def _mib(size: float) -> str:
    return f"{size / MiB:.1f} MiB" if size >= MiB else f"{int(size)} bytes"


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__


@dataclass(frozen=True)
class Submission:
    """A submission that passed intake: safely unpacked, with a valid contract."""

    info: SubmissionInfo
    unpacked: Unpacked
    contract: Contract


def intake(zip_path: Path, dest: Path, limits: IntakeLimits | None = None) -> Submission:
    """Unpack a submission zip into `dest` and check its `assessment.toml`.

    Raises `IntakeError` or `ContractError`; either way `dest` is left as it was.
    """
    contracts: list[Contract] = []
    unpacked = unpack(
        zip_path, dest, limits, accept=lambda root: contracts.append(load_contract(root))
    )
    info = SubmissionInfo(
        id=sha256_file(zip_path),
        file=zip_path.name,
        size_bytes=zip_path.stat().st_size,
        files=len(unpacked.files),
        candidate=Path(zip_path.name).stem,
    )
    return Submission(info=info, unpacked=unpacked, contract=contracts[0])
