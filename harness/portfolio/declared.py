"""Code the repository itself declares is not its own: vendored, generated or fixtures.

Two declarations are read, both the repository's own and both conventions of wide use:
`.gitattributes` lines giving a path `linguist-vendored`, `linguist-generated` or
`linguist-documentation` (what GitHub leaves out of a repository's languages), and the
`exclude` / `extend-exclude` globs of its ruff configuration (`[tool.ruff]` in pyproject.toml,
or ruff.toml): code its own linter is told to skip, such as sample submissions a grader keeps
as test data. Those files stay in the checkout (its tests may read them) but are listed, not
judged: no signal, check, language count or lint finding reads them. The review says how many
there are, so a repository cannot hide its code this way unseen.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from harness.inventory import Inventory
    from harness.lint import LintSummary

LINGUIST = re.compile(r"(?<![-\w])linguist-(vendored|generated|documentation)(?!\s*=\s*false)\b")
MAX_PATTERNS = 500
T = TypeVar("T")


@dataclass(frozen=True)
class Declared:
    """The globs under which the repository declares code not its own, and where from."""

    patterns: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def covers(self, path: str) -> bool:
        """Whether `path` (or a folder it is in) matches a declared glob."""
        parts = PurePosixPath(path).parts
        return any(_matches(pattern, parts) for pattern in self.patterns)

    def split(self, paths: Iterable[str]) -> tuple[list[str], list[str]]:
        """(judged, declared) of `paths`."""
        judged: list[str] = []
        declared: list[str] = []
        for path in paths:
            (declared if self.covers(path) else judged).append(path)
        return judged, declared


def judged_inventory(inventory: Inventory, declared: Declared) -> Inventory:
    """The inventory without what the repository declares not its own (its counts too)."""
    if not declared.patterns:
        return inventory

    def own(items: Iterable[T], path: Callable[[T], str]) -> tuple[T, ...]:
        return tuple(item for item in items if not declared.covers(path(item)))

    modules = own(inventory.modules, lambda m: m.path)
    return inventory.model_copy(update={
        "modules": modules,
        "python_lines": sum(m.source.lines for m in modules),
        "packages": own(inventory.packages, str),
        "test_files": own(inventory.test_files, str),
        "test_functions": sum(m.source.test_functions for m in modules),
        "notebooks": own(inventory.notebooks, lambda n: n.path),
        "dockerfiles": own(inventory.dockerfiles, str),
        "requirements": own(inventory.requirements, lambda r: r.path),
        "capabilities": own(inventory.capabilities, lambda c: c.path),
        "data_files": own(inventory.data_files, lambda f: f.path),
        "model_files": own(inventory.model_files, lambda f: f.path),
        "unread": own(inventory.unread, str),
        "unreadable": own(inventory.unreadable, lambda f: f.path),
    })  # fmt: skip


def judged_lint(summary: LintSummary, declared: Declared, python_lines: int) -> LintSummary:
    """The lint run without findings in declared files, counted over the judged lines."""
    import dataclasses
    from collections import Counter

    from harness.lint import family

    issues = tuple(i for i in summary.issues if not declared.covers(i.path))
    families = dict(sorted(Counter(family(i.code) for i in issues).items()))
    return dataclasses.replace(summary, issues=issues, python_lines=python_lines,
                               by_family=families)  # fmt: skip


def read_declared(gitattributes: str | None, pyproject: str | None, ruff: str | None) -> Declared:
    """The declarations of the three files' texts (None: the file is absent or unreadable)."""
    patterns: list[str] = []
    sources: list[str] = []
    linguist = _linguist(gitattributes or "")
    if linguist:
        patterns += linguist
        sources.append(".gitattributes (linguist-vendored, -generated, -documentation)")
    for name, text, table in (
        ("pyproject.toml", pyproject, ("tool", "ruff")),
        ("ruff.toml", ruff, ()),
    ):
        excluded = _ruff_excludes(text, table)
        if excluded:
            patterns += excluded
            sources.append(f"{name} (ruff exclude)")
    return Declared(tuple(dict.fromkeys(patterns))[:MAX_PATTERNS], tuple(sources))


def _linguist(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not fields[0].startswith("#") and LINGUIST.search(line):
            found.append(fields[0].lstrip("/"))
    return found


def _ruff_excludes(text: str | None, table: tuple[str, ...]) -> list[str]:
    if not text:
        return []
    try:
        data: object = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    for key in table:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        return []
    found = [*data.get("exclude", []), *data.get("extend-exclude", [])]
    return [str(item).strip("/") for item in found if isinstance(item, str) and item.strip("/")]


def _matches(pattern: str, parts: tuple[str, ...]) -> bool:
    """ruff's and git's glob rules, in short: a pattern without `/` matches any one name in
    the path; one with `/` matches from the top, a folder covering everything below it."""
    if "/" not in pattern:
        return any(_glob(pattern).fullmatch(part) for part in parts)
    depth = pattern.count("/") + 1
    if "**" in pattern:
        return any(_glob(pattern).fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))
    return len(parts) >= depth and _glob(pattern).fullmatch("/".join(parts[:depth])) is not None


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    out = []
    at = 0
    while at < len(pattern):
        if pattern.startswith("**", at):
            out.append(".*")
            at += 2
        elif pattern[at] == "*":
            out.append("[^/]*")
            at += 1
        elif pattern[at] == "?":
            out.append("[^/]")
            at += 1
        else:
            out.append(re.escape(pattern[at]))
            at += 1
    return re.compile("".join(out))
