"""The trap verdict: behaviour first, then code, then words, which never outweigh behaviour.

What each kind of evidence can show:

- slices and probes: whether the model leans on the trap or avoids it, but only for a model
  that learned something (beats the trivial baseline by the challenge's `[signal] margin`);
  below it they are not measurable, because a model with no signal has nothing to lean on.
- the self-estimate: how optimistic the candidate's own validation was. It is evidence of the
  trap only where the trap has neither slices nor probes (a trap that shows in validation
  only, such as the same entity in many rows), and then also only with signal. Elsewhere an
  optimistic estimate is scored as a claim (`trap.estimate`, `judgment.validation`) and never
  makes "leans on it".
- what the model API received (`api_log`): planted personal data reaching the API while the
  service predicted leans on the trap; none in a log whose prompts could have carried it is
  clean; a service that never called the API makes it not measurable (the trap does not apply
  by behaviour). It needs no signal, and where it is measured, or the API was never called,
  it decides over the code (a regex in the code is intent; the log is what left).
- code, where the challenge lists it: whether the handling is in the code. Alone (behaviour
  not measurable) it gives `handled` or `missed`/`noticed_not_handled`.
- the write-up: whether the candidate noticed. It tells `missed` from `noticed_not_handled`;
  alone it never gives `handled` (nothing measured is `unknown`, whatever the words say).

The verdicts:

- `handled`: at least one kind above was measured, and none on the leaning side.
- `noticed_not_handled`: the model (or the code) still leans on the trap, but the write-up
  names it: the candidate saw the problem and did not fix it, or only says they did.
- `missed`: it leans on the trap and nothing says the candidate noticed.
- `unknown`: nothing the verdict is judged by could be measured (no predictions, a model
  without signal and no code evidence for this trap, no trap here).
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.challenges.model import EvidenceName, Trap
from harness.checks.context import CheckContext
from harness.checks.data_judgment import learned_signal, trap_measure
from harness.models import Evidence, Finding, TrapAssessment, TrapVerdict
from harness.trap_evidence import FROM_PREDICTIONS, TrapMeasure, with_signal

BEHAVIOUR: tuple[EvidenceName, ...] = ("slices", "probes", "api_log")
WORDS: dict[str, str] = {"estimate": "optimistic estimate"}
"""How a leaning kind is named in the summary, where its name alone would mislead."""


def assess_trap(context: CheckContext, findings: Sequence[Finding]) -> TrapAssessment:
    """The verdict, one sentence saying why, and the evidence of the trap's checks."""
    trap = context.trap
    if trap is None:
        return TrapAssessment(
            verdict="unknown",
            summary="The challenge's private side is not here, so the trap could not be judged.",
        )
    measures = judged_measures(context, trap)
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


def judged_kinds(trap: Trap) -> list[EvidenceName]:
    """The kinds the verdict reads: slices and probes where the trap has them, else the
    estimate; and the code where the trap lists it."""
    behaviour = [kind for kind in BEHAVIOUR if kind in trap.evidence]
    estimate: list[EvidenceName] = ["estimate"] if "estimate" in trap.evidence else []
    code: list[EvidenceName] = ["code"] if "code" in trap.evidence else []
    return [*(behaviour or estimate), *code]


def judged_measures(context: CheckContext, trap: Trap) -> list[TrapMeasure]:
    """Those kinds measured on this submission; read off a model without signal, not
    measurable."""
    learned = learned_signal(context)
    found = [m for m in (trap_measure(context, k) for k in judged_kinds(trap)) if m is not None]
    found = found if learned is None else [with_signal(m, learned) for m in found]
    if any(m.kind == "api_log" and (m.value is not None or not m.applies) for m in found):
        return [m for m in found if m.kind != "code"]
    return found


def _summary(verdict: TrapVerdict, trap: Trap, measures: list[TrapMeasure], named: bool) -> str:
    """One sentence a hiring manager reads at a glance; the numbers are in the evidence."""
    what = trap.title[0].lower() + trap.title[1:]
    said = "the write-up names it" if named else "the write-up does not name it"
    if verdict == "handled":
        return _handled(trap, measures, what, said)
    sent = [m for m in measures if m.kind == "api_log" and m.leaning]
    if sent:
        return _sent(verdict, sent[0], what, said)
    leaning = ", ".join(WORDS.get(m.kind, m.kind) for m in measures if m.leaning)
    if verdict == "noticed_not_handled":
        return (
            f"Noticed, not handled: the write-up names {what}, but the model still "
            f"leans on it ({leaning} past their thresholds)."
        )
    if verdict == "missed":
        return f"Missed: the model leans on {what} ({leaning} past their thresholds) and {said}."
    unmeasured = [m.detail for m in measures if m.value is None]
    why = unmeasured[0] if unmeasured else "no evidence of this trap is calibrated"
    words = "; the write-up names it, but words alone never count as handling" if named else ""
    return f"Unknown: none of the trap's evidence could be measured ({why}){words}."


def _sent(verdict: TrapVerdict, found: TrapMeasure, what: str, said: str) -> str:
    """The verdict when the model API received planted personal data: the log says so."""
    if verdict == "noticed_not_handled":
        return (f"Noticed, not handled: the write-up names {what}, but {found.detail} "
                "(the log lines are below).")  # fmt: skip
    return f"Missed: {found.detail} (the log lines are below), and {said}."


def _handled(trap: Trap, measures: list[TrapMeasure], what: str, said: str) -> str:
    clean = [m for m in measures if m.value is not None]
    kinds = ", ".join(m.kind for m in clean)
    log = next((m for m in clean if m.kind == "api_log"), None)
    if log is not None:
        return f"Handled by behaviour: {log.detail}; {said}."
    if any(m.kind in FROM_PREDICTIONS for m in clean):
        return f"Handled: the model does not lean on {what} (clean on {kinds}); {said}."
    unmeasured = [m.detail for m in measures if m.value is None]
    why = f" (its behaviour could not show it: {unmeasured[0]})" if unmeasured else ""
    return f"Handled in code: {trap.code.handling or what}{why}; {said}."


def trap_evidence(findings: Sequence[Finding]) -> tuple[Evidence, ...]:
    """The evidence of every trap check, in check order."""
    return tuple(e for f in findings if f.check.startswith("trap.") for e in f.evidence)
