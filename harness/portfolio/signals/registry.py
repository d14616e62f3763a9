"""The portfolio signals: small functions under stable ids, like the take-home checks.

`@signal("portfolio.serving", area="deployment", title="...", weight=1.0)` registers a
function that reads the `Repo` and returns one `Judged`: a score in [0, 1] (or none), a
`state` (one word for what was found, which the question bank keys on), a message a flag can
show, and the evidence. Ids match `^portfolio\\.[a-z_]+$` and are registered once; a signal
that raises becomes an `error` signal with its traceback, and the others still run. A
signal's docstring is its documentation: what it looks at, why a reviewer cares, its evidence.
"""

from __future__ import annotations

import inspect
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.models import Evidence, FindingStatus
from harness.portfolio.model import AREA_NAMES, AreaName, Signal

if TYPE_CHECKING:
    from harness.portfolio.repo import Repo

SIGNAL_ID = re.compile(r"^portfolio\.[a-z_]+$")
TRACEBACK_CHARS = 4000


@dataclass(frozen=True)
class Judged:
    """What a signal concluded, before the registry adds its id, area and title."""

    status: FindingStatus
    score: float | None
    state: str
    message: str
    evidence: tuple[Evidence, ...] = ()


def judged(score: float, state: str, message: str, *evidence: Evidence) -> Judged:
    """A scored signal; its status follows from the score as a finding's does."""
    score = min(1.0, max(0.0, round(score, 4)))
    status: FindingStatus = "pass" if score >= 0.75 else "partial" if score >= 0.4 else "fail"
    return Judged(status, score, state, message, evidence)


def unscored(state: str, message: str, *evidence: Evidence) -> Judged:
    """Nothing to judge here (not a zero): said, and left out of the area's score."""
    return Judged("skipped", None, state, message, evidence)


def without_python(repo: Repo, *, notebooks_count: bool = False) -> Judged | None:
    """Not scored when there is no Python to read (the signal reads Python's syntax trees):
    a repository in another language is not judged by what Python it lacks. With
    `notebooks_count`, notebooks are Python enough (serving, pipelines: their absence in a
    notebook project is evidence); without, the code the signal reads is modules only."""
    if repo.shipped:
        return None
    if repo.context.inventory.notebooks:
        if notebooks_count:
            return None
        return unscored("no_modules", "no Python modules to read: the code is in notebooks")
    return unscored("no_python", "no Python code to read: this is read from Python's syntax trees")


SignalFunction = Callable[["Repo"], Judged]


@dataclass(frozen=True)
class RegisteredSignal:
    id: str
    area: AreaName
    title: str
    weight: float
    function: SignalFunction

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.function) or ""

    def run(self, repo: Repo) -> Signal:
        """The signal; a crash becomes an `error` signal with the traceback as evidence."""
        try:
            found = self.function(repo)
        except Exception as err:
            text = "".join(traceback.format_exception(err))[-TRACEBACK_CHARS:]
            found = Judged(
                "error",
                None,
                "error",
                f"the signal crashed: {type(err).__name__}: {err}"[:300],
                (Evidence(kind="traceback", excerpt=text),),
            )
        return Signal(
            id=self.id,
            area=self.area,
            title=self.title,
            status=found.status,
            score=found.score,
            state=found.state,
            message=" ".join(found.message.split()),
            evidence=found.evidence,
        )


SIGNALS: dict[str, RegisteredSignal] = {}


def signal(
    signal_id: str, *, area: AreaName, title: str, weight: float = 1.0
) -> Callable[[SignalFunction], SignalFunction]:
    """Register a signal under a permanent id, with its weight in its area's score."""

    def register(function: SignalFunction) -> SignalFunction:
        if not SIGNAL_ID.match(signal_id):
            raise ValueError(f"signal id {signal_id!r} does not match {SIGNAL_ID.pattern}")
        if signal_id in SIGNALS:
            raise ValueError(f"signal id {signal_id!r} is registered twice")
        if not inspect.getdoc(function):
            raise ValueError(f"signal {signal_id!r} has no docstring; it is its documentation")
        SIGNALS[signal_id] = RegisteredSignal(signal_id, area, title, weight, function)
        return function

    return register


def run_signals(repo: Repo) -> tuple[Signal, ...]:
    """Every signal, by area then id; one that crashes does not stop the others."""
    ordered = sorted(SIGNALS.values(), key=lambda s: (AREA_NAMES.index(s.area), s.id))
    return tuple(registered.run(repo) for registered in ordered)
