"""Reading the write-up (Markdown): its headings, how long it is, its lines outside code.

`load_writeup` is how the grader and `grade check` alike read it: embedded images (`data:`
URIs) are dropped first, then the text is cut at `WRITEUP_LIMIT_BYTES`, and what was left
out is said (`WriteupText.notes`), never a write-up read as missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field

from harness.models import Frozen
from harness.readers.parsing import Unreadable

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-.]*")


class WriteupSummary(Frozen):
    """Headings (in order) and the number of prose words, code blocks left out."""

    words: int
    headings: tuple[str, ...]


def read_writeup(text: str) -> WriteupSummary:
    prose = prose_lines(text)
    headings: list[str] = []
    for number, line in enumerate(prose):
        atx = ATX_HEADING.match(line)
        if atx:
            headings.append(atx.group(2))
        elif number and SETEXT_UNDERLINE.match(line) and prose[number - 1].strip():
            headings.append(prose[number - 1].strip())
    words = sum(len(WORD.findall(line)) for line in prose if not SETEXT_UNDERLINE.match(line))
    return WriteupSummary(words=words, headings=tuple(headings))


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    prose: list[str] = []
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            prose.append(line)
    return prose


WRITEUP_NAMES = ("writeup.md", "readme.md")
"""The write-up's file names at the top of a submission, first found first, in any case."""
WRITEUP_LIMIT_BYTES = 256 * 1024
"""Text read of the write-up once its embedded images are dropped; the rest is cut."""
WRITEUP_READ_BYTES = 32 * 1024 * 1024
"""Bytes of the file read at most, embedded images included."""
EMBEDDED = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w.+=-]+)*,[^\s)\"'<>\]]*", re.IGNORECASE)
"""A `data:` URI (an inline image, `![x](data:image/png;base64,...)` or `<img src=...>`)."""


class WriteupText(Frozen):
    """The write-up's text as the grader reads it, and what was left out of it."""

    text: str = Field(exclude=True, repr=False)
    images_dropped: int = 0
    image_bytes: int = 0
    cut: bool = False
    """Longer than `WRITEUP_LIMIT_BYTES` once images are dropped: the rest is not read."""
    replaced: bool = False
    """Bytes that are not UTF-8 were read as U+FFFD."""

    def problems(self) -> list[str]:
        """What the candidate should fix: text cut off, or not UTF-8."""
        found = []
        if self.cut:
            found.append(
                f"over {limit_kb()} KB once its embedded images are dropped: cut at "
                f"{limit_kb()} KB, the rest is not read"
            )
        if self.replaced:
            found.append("not valid UTF-8: the undecodable bytes are read as U+FFFD")
        return found

    def notes(self) -> list[str]:
        """Everything the grader left out of the write-up, images included."""
        if not self.images_dropped:
            return self.problems()
        noun = "image" if self.images_dropped == 1 else "images"
        size = f"{self.image_bytes / 1024:,.0f} KB"
        return [f"{self.images_dropped} embedded {noun} ({size}) dropped", *self.problems()]


def limit_kb() -> int:
    """The write-up's size limit in KB, as every message states it."""
    return WRITEUP_LIMIT_BYTES // 1024


def writeup_name(names: Iterable[str]) -> str | None:
    """The write-up among a folder's top-level file names: `WRITEUP.md`, then `README.md`."""
    by_lower = {name.lower(): name for name in sorted(names)}
    return next((by_lower[n] for n in WRITEUP_NAMES if n in by_lower), None)


def load_writeup(path: Path) -> WriteupText | Unreadable:
    """The write-up's text with embedded images dropped, then cut at the size limit."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(WRITEUP_READ_BYTES + 1)
    except OSError as err:
        return Unreadable(f"could not be opened: {err.strerror or type(err).__name__}")
    return clean_writeup(raw[:WRITEUP_READ_BYTES], truncated=len(raw) > WRITEUP_READ_BYTES)


def clean_writeup(raw: bytes, *, truncated: bool = False) -> WriteupText:
    """Decode (undecodable bytes replaced), drop embedded images, cut at the limit."""
    text, replaced = _decoded(raw)
    images = [match.group() for match in EMBEDDED.finditer(text)]
    kept = EMBEDDED.sub("", text) if images else text
    encoded = kept.encode("utf-8")
    cut = truncated or len(encoded) > WRITEUP_LIMIT_BYTES
    if len(encoded) > WRITEUP_LIMIT_BYTES:
        kept = encoded[:WRITEUP_LIMIT_BYTES].decode("utf-8", errors="ignore")
    return WriteupText(
        text=kept,
        images_dropped=len(images),
        image_bytes=sum(len(image) for image in images),
        cut=cut,
        replaced=replaced,
    )


def _decoded(raw: bytes) -> tuple[str, bool]:
    """The bytes as UTF-8 text, and whether some were not UTF-8 (read as U+FFFD)."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True
