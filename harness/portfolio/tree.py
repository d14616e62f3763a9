"""HEAD's tree written to a folder by the harness, the way intake unpacks a zip.

git lists the tree (`ls-tree -r -l -z`, bounded) with each entry's mode and size, before a byte
of content is read; the harness then writes only regular files, from `cat-file --batch`, into a
fresh staging folder moved into place when all of it succeeded. Never written: symbolic links
(recorded with their target and whether it leads out of the tree, never created or followed),
submodules (recorded from `.gitmodules`, never fetched), files over the size limit (listed with
their size: the large binaries a reviewer asks about), names intake would refuse (absolute,
`..`, too deep, not UTF-8, `.git`), vendored folders, and whatever is past the file and byte
limits. Every later reader (inventory, lint, the sandbox) sees only this folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.errors import IntakeError
from harness.intake import IntakeLimits, safe_parts, staged
from harness.inventory import VENDORED_DIRS
from harness.portfolio.clone import shown_url
from harness.portfolio.git import Git
from harness.portfolio.model import Checkout, Link, SkippedFile, Submodule

MiB = 1024 * 1024
MAX_ENTRIES = 200_000
"""Entries of the tree listed at most; a bigger tree is read in part, and says so."""
MAX_FILES = 20_000
MAX_FILE_BYTES = 5 * MiB
MAX_TOTAL_BYTES = 300 * MiB
MAX_LINK_BYTES = 4096
NAMES = IntakeLimits(max_depth=32)
"""The name rules of intake (no absolute path, no `..`, 255 bytes a name), deeper folders."""
SUBMODULE = re.compile(r"^\s*(path|url)\s*=\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """One entry of the tree as git lists it."""

    mode: str
    kind: str
    oid: str
    size: int | None
    path: str

    @property
    def is_file(self) -> bool:
        return self.kind == "blob" and self.mode in ("100644", "100755", "100664")


@dataclass(frozen=True)
class Listing:
    entries: tuple[Entry, ...]
    cut: bool


def list_tree(git: Git, limit: int = MAX_ENTRIES) -> Listing:
    """HEAD's entries, at most `limit` of them, with sizes, before any content is read."""
    records, cut = git.records("ls-tree", "-r", "-l", "-z", "--full-tree", "HEAD", limit=limit)
    entries = [entry for record in records if (entry := _entry(record)) is not None]
    return Listing(tuple(entries), cut)


def _entry(record: bytes) -> Entry | None:
    head, tab, raw_path = record.partition(b"\t")
    fields = head.split()
    if not tab or len(fields) != 4:
        return None
    mode, kind, oid, size = (field.decode("ascii", errors="replace") for field in fields)
    try:
        path = raw_path.decode("utf-8")
    except UnicodeDecodeError:
        path = raw_path.decode("utf-8", errors="replace")
        kind = "bad-name"
    return Entry(mode, kind, oid, int(size) if size.isdigit() else None, path)


@dataclass
class _Plan:
    write: list[tuple[Entry, tuple[str, ...]]]
    links: list[Entry]
    large: list[SkippedFile]
    skipped: list[SkippedFile]
    submodules: list[Entry]


def write_checkout(git: Git, listing: Listing, dest: Path) -> Checkout:
    """Write the tree's regular files under `dest` (which must not exist) within the limits,
    and record everything else."""
    plan = _plan(listing.entries)
    with staged(dest) as staging:
        written, total = _write(git, plan.write, staging, plan.skipped)
    return Checkout(
        entries=len(listing.entries),
        listing_cut=listing.cut,
        files=written,
        bytes=total,
        links=_links(git, plan.links),
        submodules=_submodules(git, listing.entries, plan.submodules),
        large=tuple(plan.large),
        skipped=tuple(plan.skipped),
    )


def _plan(entries: Iterable[Entry]) -> _Plan:
    plan = _Plan([], [], [], [], [])
    total = 0
    for entry in entries:
        reason = _refused(entry)
        if entry.kind == "commit":
            plan.submodules.append(entry)
        elif entry.mode == "120000":
            plan.links.append(entry)
        elif reason:
            plan.skipped.append(SkippedFile(path=entry.path, reason=reason, size_bytes=entry.size))
        elif (entry.size or 0) > MAX_FILE_BYTES:
            plan.large.append(_large(entry))
        elif len(plan.write) >= MAX_FILES or total + (entry.size or 0) > MAX_TOTAL_BYTES:
            plan.skipped.append(_over_limits(entry))
        else:
            plan.write.append((entry, safe_parts(entry.path, NAMES)))
            total += entry.size or 0
    return plan


def _refused(entry: Entry) -> str:
    """Why an entry is not written ("" when it may be): its kind, or its name."""
    if entry.kind == "bad-name":
        return "its name is not UTF-8"
    if entry.kind == "commit" or entry.mode == "120000":
        return ""
    if not entry.is_file:
        return f"not a regular file (mode {entry.mode})"
    try:
        parts = safe_parts(entry.path, NAMES)
    except IntakeError as err:
        return err.message.split(": ", 1)[-1]
    if any(part.lower() == ".git" for part in parts):
        return "a .git folder inside the tree"
    if any(part in VENDORED_DIRS for part in parts[:-1]):
        return "in a vendored folder (virtual environment, node_modules, caches)"
    return ""


def _large(entry: Entry) -> SkippedFile:
    return SkippedFile(
        path=entry.path,
        reason=f"over {MAX_FILE_BYTES // MiB} MiB: listed, not read",
        size_bytes=entry.size,
    )


def _over_limits(entry: Entry) -> SkippedFile:
    return SkippedFile(
        path=entry.path,
        reason=f"past the checkout's limits ({MAX_FILES:,} files, {MAX_TOTAL_BYTES // MiB} MiB)",
        size_bytes=entry.size,
    )


def _write(
    git: Git,
    planned: list[tuple[Entry, tuple[str, ...]]],
    staging: Path,
    skipped: list[SkippedFile],
) -> tuple[int, int]:
    """Stream each blob into its place; a blob git could not give is skipped, not fatal."""
    seen = written = total = 0
    contents = git.blobs([entry.oid for entry, _ in planned])
    for (entry, parts), content in zip(planned, contents, strict=False):
        seen += 1
        if content is None or len(content) > MAX_FILE_BYTES:
            skipped.append(SkippedFile(path=entry.path, reason="git could not read it"))
            continue
        target = staging.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as sink:
            sink.write(content)
        target.chmod(0o755 if entry.mode == "100755" else 0o644)
        written, total = written + 1, total + len(content)
    for entry, _ in planned[seen:]:
        skipped.append(SkippedFile(path=entry.path, reason="not read before the deadline"))
    return written, total


def _links(git: Git, links: list[Entry]) -> tuple[Link, ...]:
    """Each link with its target (read as the blob git stores it) and whether it escapes."""
    found = []
    for entry, raw in zip(links, git.blobs([e.oid for e in links]), strict=False):
        target = (raw or b"")[:MAX_LINK_BYTES].decode("utf-8", errors="replace")
        found.append(Link(path=entry.path, target=target, escapes=escapes(entry.path, target)))
    return tuple(found)


def escapes(path: str, target: str) -> bool:
    """Whether a link at `path` pointing to `target` leads outside the tree."""
    if target.startswith("/") or not target:
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return joined == ".." or joined.startswith("../")


def _submodules(git: Git, entries: Iterable[Entry], found: list[Entry]) -> tuple[Submodule, ...]:
    """The submodules in the tree, with their URL from `.gitmodules` when it names them."""
    if not found:
        return ()
    modules = next((e for e in entries if e.path == ".gitmodules" and e.is_file), None)
    raw = next(iter(git.blobs([modules.oid])), b"") if modules else b""
    urls = _gitmodules(((raw or b"")[:MAX_FILE_BYTES]).decode("utf-8", errors="replace"))
    return tuple(Submodule(path=e.path, url=urls.get(e.path, "")) for e in found)


def _gitmodules(text: str) -> dict[str, str]:
    """`path -> url` from `.gitmodules` text (each section's `path` and `url` keys)."""
    urls: dict[str, str] = {}
    for section in re.split(r"^\s*\[", text, flags=re.MULTILINE):
        keys = {key: value for key, value in SUBMODULE.findall(section)}
        if "path" in keys:
            path = PurePosixPath(keys["path"]).as_posix()
            urls[path] = (
                shown_url(keys["url"]) if "://" in keys.get("url", "") else keys.get("url", "")
            )
    return urls
