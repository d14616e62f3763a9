"""Reading the write-up (Markdown): its headings, how long it is, its lines outside code."""

from __future__ import annotations

import re

from harness.models import Frozen

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
