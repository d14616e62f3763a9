"""Reading the write-up's prose: its lines outside code blocks, its sentences, its path.

The checks cut the write-up into sentences in slightly different ways, each the way its
scores were calibrated: communication leaves headings and tables out, deployment keeps
them, data judgment reads the whole text, code blocks included. One cutter, `sentences`,
serves them all; each check module names its own `Splitter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from harness.checks.context import CheckContext
from harness.readers.writeup import prose_lines

__all__ = ["BLANK", "LIST_ITEM", "Splitter", "prose_lines", "sentences", "writeup_path"]

BLANK = re.compile(r"\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(.*)")
"""A list item's line; group 1 is its text (an empty item ends the paragraph before it)."""
ANY_TEXT = re.compile(r"\S")


def _unchanged(text: str) -> str:
    return text


@dataclass(frozen=True)
class Splitter:
    """How a check cuts the write-up into sentences."""

    sentence_end: re.Pattern[str]
    """Where a sentence ends inside a paragraph."""
    breaks: tuple[re.Pattern[str], ...] | None = (BLANK,)
    """Lines that end a paragraph and are left out; None reads the text whole, code and all,
    with no paragraphs (`sentence_end` then decides every cut)."""
    list_item: re.Pattern[str] = LIST_ITEM
    """A line that starts a paragraph of its own, group 1 being its text."""
    plain: Callable[[str], str] = _unchanged
    """What a paragraph (its lines joined by spaces) becomes before it is cut."""
    tidy: Callable[[str], str] = str.strip
    """What each sentence becomes once cut."""
    counts: re.Pattern[str] = ANY_TEXT
    """A piece is a sentence when this is found in it."""


def sentences(text: str, splitter: Splitter) -> list[str]:
    """The write-up's sentences, cut the way `splitter` says."""
    breaks = splitter.breaks
    blocks = [text] if breaks is None else _paragraphs(text, breaks, splitter.list_item)
    pieces = [p for block in blocks for p in splitter.sentence_end.split(splitter.plain(block))]
    return [splitter.tidy(piece) for piece in pieces if splitter.counts.search(piece)]


def _paragraphs(
    text: str, breaks: tuple[re.Pattern[str], ...], list_item: re.Pattern[str]
) -> list[str]:
    """Each paragraph and each list item outside code blocks, its lines joined by spaces."""
    blocks: list[list[str]] = [[]]
    for line in prose_lines(text):
        if any(pattern.match(line) for pattern in breaks):
            blocks.append([])
        elif item := list_item.match(line):
            blocks.append([item.group(1)])
        else:
            blocks[-1].append(line.strip())
    return [" ".join(block) for block in blocks if block]


def writeup_path(context: CheckContext) -> str | None:
    """The write-up's path in the submission (None: there is none)."""
    return context.inventory.writeup.path if context.inventory.writeup else None
