"""Facts about a submission that the follow-up guide may take as a question's premise.

An interviewer reads a question aloud to the candidate: "Your Dockerfile has issues we
flagged" must never be said to someone who sent no Dockerfile. So every fact a question
assumes is computed here, once, from what the harness saw (the files, the contract, the
run), recorded in `result.json` under `facts`, and a question whose premise is not among the
true facts is not asked (`harness/report/premises.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from harness.challenges.model import EvidenceName
from harness.checks.context import CheckContext
from harness.checks.deploy_code import model_saves
from harness.checks.source import notebook_trees, sources, trains_a_model
from harness.metrics import metric
from harness.models import FACTS
from harness.trap_assessment import judged_measures


def submission_facts(context: CheckContext) -> dict[str, bool]:
    """Each fact of `FACTS`, true or false, for this submission."""
    return {name: bool(rule(context)) for name, rule in _RULES.items()}


def _ran(context: CheckContext) -> bool:
    return all(context.stage(name).verdict == "ok" for name in ("train", "predict"))


def _beats_baseline(context: CheckContext) -> bool:
    score, base = context.holdout_score, context.baseline_score
    if score is None or base is None:
        return False
    return metric(context.holdout_metric).worse_by(base, than=score) > 0


def _service_started(context: CheckContext) -> bool:
    return context.probe is not None and context.probe.healthy


def _service_answered(context: CheckContext) -> bool:
    status = context.probe.valid_status() if context.probe and context.probe.healthy else None
    return status is not None and 200 <= status < 300


def _judged(context: CheckContext, kinds: tuple[EvidenceName, ...], side: bool) -> bool:
    """Whether any of these kinds, as the trap verdict reads them (only the kinds the trap
    is judged by; behaviour not measurable for a model without signal), is on this side."""
    if context.trap is None:
        return False
    measures = judged_measures(context, context.trap)
    return any(m.kind in kinds and m.leaning is side for m in measures)


def _leaning(context: CheckContext, kinds: tuple[EvidenceName, ...], side: bool) -> bool:
    """Whether any of these kinds of trap evidence was measured on the given side."""
    measures = (context.trap_measure(kind) for kind in kinds)
    return any(m is not None and m.leaning is side for m in measures)


_RULES: Mapping[str, Callable[[CheckContext], object]] = {
    "ran": _ran,
    "predictions": lambda c: c.predictions is not None,
    "holdout_measured": lambda c: c.holdout is not None and c.holdout_score is not None,
    "beats_baseline": _beats_baseline,
    "estimate": lambda c: c.contract.estimate is not None,
    "dockerfile": lambda c: bool(c.inventory.dockerfiles),
    "serve_declared": lambda c: bool(c.contract.commands.serve),
    "service_started": _service_started,
    "service_answered": _service_answered,
    "tests": lambda c: bool(c.inventory.test_files),
    "notebooks": lambda c: bool(c.inventory.notebooks),
    "writeup": lambda c: bool(c.writeup_text.strip()),
    "saves_model": lambda c: bool(model_saves(c)),
    "fits_model": lambda c: trains_a_model([*(s.tree for s in sources(c)), *notebook_trees(c)]),
    "leans_in_behaviour": lambda c: _judged(c, ("slices", "probes"), True),
    "optimistic_estimate": lambda c: _leaning(c, ("estimate",), True),
    "leans_in_code": lambda c: _judged(c, ("code",), True),
    "handled_in_code": lambda c: _judged(c, ("code",), False),
}
assert set(_RULES) == set(FACTS)
