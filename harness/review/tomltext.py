"""The little TOML the review file needs, written by hand (the stdlib reads TOML, never writes it).

Values are basic strings with every control character escaped, so nothing a candidate wrote
can end a string early; comments lose control and bidi-control characters and line breaks, so
nothing can end a comment and start a key.
"""

from __future__ import annotations

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def string(text: str) -> str:
    """`text` as a one-line TOML basic string, quotes included."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def comment_text(text: str) -> str:
    """`text` safe inside a `#` comment: one line, no control or bidi-control character."""
    # imported here: harness.report imports harness.review, for the review in the report
    from harness.report.printable import printable

    return " ".join(printable(text).split())


def comment(text: str) -> str:
    """One `#` comment line of `text` (empty text: a bare `#`)."""
    body = comment_text(text)
    return f"# {body}" if body else "#"


def wrapped(text: str, first: str = "", rest: str = "", width: int = 92) -> list[str]:
    """`text` as `#` comment lines of at most about `width` characters; `first` and `rest`
    are the harness's own prefixes of the first and the following lines."""
    lines: list[str] = []
    current, has_word = first, False
    for word in comment_text(text).split():
        if has_word and len(current) + len(word) + 3 > width:
            lines.append(f"# {current}".rstrip())
            current, has_word = rest, False
        current = f"{current} {word}" if has_word else f"{current}{word}"
        has_word = True
    if has_word:
        lines.append(f"# {current}".rstrip())
    return lines or ["#"]
