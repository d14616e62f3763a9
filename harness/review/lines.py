"""Where a key of a hand-edited TOML file is, so an error can name its line (tomllib keeps no
positions). A plain scan: table headers, `key =` lines, multi-line strings skipped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*\[\s*([^\[\]#]+?)\s*\]\s*(?:#.*)?$")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


@dataclass
class Lines:
    """The line (1-based) of each table header and each key, by its full dotted path."""

    headers: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    def of(self, *path: str) -> int | None:
        """The line of the key at `path`, else of the closest table around it."""
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            where = self.keys.get(prefix) or self.headers.get(prefix)
            if where is not None:
                return where
            every = (*self.keys.items(), *self.headers.items())
            inside = [line for key, line in every if key[:end] == prefix]
            if inside:
                return min(inside)
        return None


def locate(text: str) -> Lines:
    """Scan `text` for table headers and keys."""
    found = Lines()
    table: tuple[str, ...] = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            found.headers.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            found.keys.setdefault((*table, *_parts(key.group(1))), number)
            rest = line[key.end() :]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2 == 1:
                    in_string = quotes
    return found
