"""The check registry: every check a small function under a stable id.

`@check("code.lint", dimension="code_quality", title="...")` registers a function that takes
the read-only `CheckContext` and returns one `Judgement`. Ids are permanent: an id that does
not match `^[a-z]+\\.[a-z_]+$`, one registered twice, or one listed in `RETIRED` is an error
at import. A check that raises becomes an `error` finding with the traceback as evidence; the
others still run. A check's docstring is its documentation (`grade checks` prints it): what it
looks at, why a hiring team cares, what evidence it records.
"""

from __future__ import annotations

import inspect
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.models import DimensionName, Evidence, Finding, FindingStatus

if TYPE_CHECKING:
    from harness.checks.context import CheckContext

CHECK_ID = re.compile(r"^[a-z]+\.[a-z_]+$")
RETIRED: frozenset[str] = frozenset()
"""Ids once used and since removed: never to be registered again, so old results stay
readable."""
TRACEBACK_CHARS = 4000


@dataclass(frozen=True)
class Judgement:
    """What a check concluded, before the registry adds its id and dimension."""

    status: FindingStatus
    message: str
    score: float | None = None
    evidence: tuple[Evidence, ...] = ()


def skipped(message: str, *evidence: Evidence) -> Judgement:
    """Not applicable to this submission: a value with a reason, never a zero."""
    return Judgement("skipped", message, None, evidence)


def graded(score: float, message: str, *evidence: Evidence) -> Judgement:
    """A scored judgement; the status follows from the score."""
    score = min(1.0, max(0.0, round(score, 4)))
    status: FindingStatus = "pass" if score >= 0.75 else "partial" if score >= 0.4 else "fail"
    return Judgement(status, message, score, evidence)


CheckFunction = Callable[["CheckContext"], Judgement]


@dataclass(frozen=True)
class RegisteredCheck:
    """A check, its id, its dimension and its title."""

    id: str
    dimension: DimensionName
    title: str
    function: CheckFunction

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.function) or ""

    def run(self, context: CheckContext) -> Finding:
        """The check's finding; a crash becomes an `error` finding with the traceback."""
        try:
            judged = self.function(context)
        except Exception as err:
            text = "".join(traceback.format_exception(err))[-TRACEBACK_CHARS:]
            return self._finding(
                Judgement(
                    "error",
                    f"the check crashed: {type(err).__name__}: {err}"[:300],
                    None,
                    (Evidence(kind="traceback", excerpt=text),),
                )
            )
        return self._finding(judged)

    def _finding(self, judged: Judgement) -> Finding:
        return Finding(
            check=self.id,
            dimension=self.dimension,
            status=judged.status,
            score=judged.score,
            message=" ".join(judged.message.split()),
            evidence=judged.evidence,
        )


REGISTRY: dict[str, RegisteredCheck] = {}


def check(
    check_id: str, *, dimension: DimensionName, title: str
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a permanent id."""

    def register(function: CheckFunction) -> CheckFunction:
        REGISTRY[check_id] = _validated(check_id, dimension, title, function)
        return function

    return register


def _validated(
    check_id: str, dimension: DimensionName, title: str, function: CheckFunction
) -> RegisteredCheck:
    if not CHECK_ID.match(check_id):
        raise ValueError(f"check id {check_id!r} does not match {CHECK_ID.pattern}")
    if check_id in REGISTRY:
        raise ValueError(f"check id {check_id!r} is registered twice")
    if check_id in RETIRED:
        raise ValueError(f"check id {check_id!r} is retired and may not come back")
    if not inspect.getdoc(function):
        raise ValueError(f"check {check_id!r} has no docstring; it is the check's documentation")
    return RegisteredCheck(check_id, dimension, title, function)


def run_checks(
    context: CheckContext, checks: Iterable[RegisteredCheck] | None = None
) -> tuple[Finding, ...]:
    """Every check (by id order), each on its own: one that crashes does not stop the rest."""
    chosen = sorted(REGISTRY.values() if checks is None else checks, key=lambda c: c.id)
    return tuple(registered.run(context) for registered in chosen)
