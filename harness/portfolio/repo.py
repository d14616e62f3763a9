"""One repository, as every portfolio signal reads it: read only, computed once.

It carries the `CheckContext` the take-home checks read (so a signal shows code the way a
finding does, and reads the write-up through the same sentence reader), the tree as git listed
it (every path and size, also of files not written), the languages, the history and the test
run. Values several signals need (the parsed non-test sources, the serving code) are computed
on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from harness.checks.context import CheckContext
from harness.checks.source import Source, sources
from harness.portfolio.declared import Declared
from harness.portfolio.languages import Counted
from harness.portfolio.model import Checkout, History, SuiteRun
from harness.portfolio.serving import Serving, read_serving
from harness.portfolio.tree import Entry
from harness.readers.python_source import is_test_code


@dataclass(frozen=True)
class Repo:
    """The reviewed repository at HEAD."""

    context: CheckContext
    checkout: Checkout
    entries: tuple[Entry, ...]
    """HEAD's tree as listed (bounded), files not written included."""
    counted: Counted
    history: History
    suite: SuiteRun
    declared: Declared = field(default_factory=Declared)
    """What the repository declares not its own: left out of `paths` (never of `entries`)."""

    @functools.cached_property
    def shipped(self) -> list[Source]:
        """The parsed `.py` files outside the test code."""
        return sources(self.context)

    @functools.cached_property
    def serving(self) -> Serving:
        return read_serving(self.shipped)

    @functools.cached_property
    def paths(self) -> tuple[str, ...]:
        """Every path of the tree (written or not) the repository calls its own, sorted."""
        return tuple(sorted(e.path for e in self.entries if not self.declared.covers(e.path)))

    def text(self, path: str) -> str | None:
        """A written file's text (None: not written, too large, not UTF-8)."""
        return self.context.text(path)

    def named(self, *patterns: str) -> list[str]:
        """Paths of the tree matching any glob pattern (`*` stays within a folder; a
        pattern without a `/` matches the file name anywhere)."""
        found = []
        for path in self.paths:
            pure = PurePosixPath(path)
            if any(_matches(pure, pattern) for pattern in patterns):
                found.append(path)
        return found

    def code_paths(self, suffix: str = ".py") -> list[str]:
        return [p for p in self.paths if p.endswith(suffix) and not is_test_code(p)]


def _matches(path: PurePosixPath, pattern: str) -> bool:
    if "/" not in pattern:
        return path.match(pattern)
    return path.match(pattern) and len(path.parts) == pattern.count("/") + 1
