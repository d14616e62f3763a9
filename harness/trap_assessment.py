"""The trap verdict: behaviour first, then code, then words, which never outweigh behaviour.

- `handled`: every kind of evidence the challenge's trap shows in was measured on the leaning
  side of none of its thresholds.
- `noticed_not_handled`: the model (or the code) still leans on the trap, but the write-up
  names it: the candidate saw the problem and did not fix it, or only says they did.
- `missed`: it leans on the trap and nothing says the candidate noticed.
- `unknown`: none of the trap's evidence could be measured (no predictions, no trap here).
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.challenges.model import EvidenceName, Trap
from harness.checks.context import CheckContext
from harness.models import Evidence, Finding, TrapAssessment, TrapVerdict
from harness.trap_evidence import TrapMeasure

JUDGED_BY: tuple[EvidenceName, ...] = ("slices", "probes", "estimate", "code")


def assess_trap(context: CheckContext, findings: Sequence[Finding]) -> TrapAssessment:
    """The verdict, one sentence saying why, and the evidence of the trap's checks."""
    trap = context.trap
    if trap is None:
        return TrapAssessment(
            verdict="unknown",
            summary="The challenge's private side is not here, so the trap could not be judged.",
        )
    measures = [m for m in map(context.trap_measure, _kinds(trap)) if m is not None]
    named = any(f.check == "trap.writeup" and f.status == "pass" for f in findings)
    verdict = trap_verdict([m.leaning for m in measures], named)
    return TrapAssessment(
        verdict=verdict,
        title=trap.title,
        summary=_summary(verdict, trap, measures, named),
        evidence=trap_evidence(findings),
    )


def trap_verdict(leaning: Sequence[bool | None], named: bool) -> TrapVerdict:
    """The rule itself: what was measured decides; words only tell missed from noticed."""
    measured = [lean for lean in leaning if lean is not None]
    if not measured:
        return "unknown"
    if not any(measured):
        return "handled"
    return "noticed_not_handled" if named else "missed"


def _kinds(trap: Trap) -> list[EvidenceName]:
    return [kind for kind in JUDGED_BY if kind in trap.evidence]


def _summary(verdict: TrapVerdict, trap: Trap, measures: list[TrapMeasure], named: bool) -> str:
    """One sentence a hiring manager reads at a glance; the numbers are in the evidence."""
    leaning = [m.kind for m in measures if m.leaning]
    measured = [m for m in measures if m.value is not None]
    what = trap.title[0].lower() + trap.title[1:]
    said = "the write-up names it" if named else "the write-up does not name it"
    if verdict == "handled":
        kinds = ", ".join(m.kind for m in measured)
        return f"Handled: the model does not lean on {what} (clean on {kinds}); {said}."
    if verdict == "noticed_not_handled":
        return (
            f"Noticed, not handled: the write-up names {what}, but the model still "
            f"leans on it ({', '.join(leaning)} past their thresholds)."
        )
    if verdict == "missed":
        return (
            f"Missed: the model leans on {what} ({', '.join(leaning)} past their "
            f"thresholds) and {said}."
        )
    return "Unknown: none of the trap's evidence could be measured (no usable predictions)."


def trap_evidence(findings: Sequence[Finding]) -> tuple[Evidence, ...]:
    """The evidence of every trap check, in check order."""
    return tuple(e for f in findings if f.check.startswith("trap.") for e in f.evidence)
