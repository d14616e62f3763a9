"""Text a candidate wrote, made safe to show: the one filter the report and the terminal use.

A file name, a log line or a write-up snippet may hold control characters (NUL, escape
sequences, a carriage return that overwrites a line) or bidi controls: a right-to-left
override (U+202E) makes `evil<U+202E>txt.exe` read as `evilexe.txt`. Every
control character except a newline and a tab, and every bidi control, is dropped before
anything a candidate wrote is rendered.
"""

from __future__ import annotations

BIDI_CONTROLS = (
    *range(0x202A, 0x202F),  # LRE, RLE, PDF, LRO, RLO
    *range(0x2066, 0x206A),  # LRI, RLI, FSI, PDI
    0x200E,  # LRM
    0x200F,  # RLM
    0x061C,  # ALM
)
KEPT = frozenset({ord("\n"), ord("\t")})
CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))
_DROPPED = dict.fromkeys((c for c in (*CONTROLS, *BIDI_CONTROLS) if c not in KEPT), None)


def printable(text: str) -> str:
    """`text` without control characters (a newline and a tab stay) and bidi controls."""
    return text.translate(_DROPPED)
