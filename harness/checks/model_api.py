"""How the submission used the challenge's model API, judged from the API's own request log.

Only a challenge that gives its candidates a model API is judged by these (see
`harness.checks.applicable_checks`). Each check reads one or two facts of
`harness.model_api.analysis`, measured on the log of the whole grading (retries, timeouts,
concurrency, personal data: a fault may be met in any stage) or of `predict` alone (cost,
caching, model choice: the tickets predicted are the denominator, and the serve probe sends
the same few records again and again by design). Every finding quotes the log lines it rests
on. What the log cannot show is `skipped`, never a fail: a fault never met, and above all a
service that never calls the API, which is a legitimate choice (rules or a small classifier
where a model is the wrong tool) and is not penalised for cost or retries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from harness.checks.context import CheckContext
from harness.checks.registry import CheckFunction, Judgement, check, graded, skipped
from harness.models import ApiFact, DimensionName, Evidence, ModelApiUse, StageWindow

if TYPE_CHECKING:
    from harness.model_api.analysis import Fact

PREFIX = "api."
WHOLE = ("stall_timeout", "canaries", "gone_model")
PACED = ("retry_after", "retries_bounded", "retry_storm", "concurrency")
"""Facts of how the service paces its own requests, read from the stages whose pace is its
own (train, predict). In serve the probe sets the pace: it sends the same tickets again and
again, so a service without a cache sends the same prompts again at the probe's pace, which
would read as retries that are not its own."""
OWN_PACE_STAGES = ("train", "predict")
PREDICT = ("cost", "duplicates", "model_mix")
NEVER_CALLED = (
    "the service never called the model API (rules or a model of its own): not applicable, "
    "a legitimate choice where a language model is the wrong tool"
)
EXCERPT_CHARS = 600  # the log reader keeps as much of a line


def api_facts(context: CheckContext) -> dict[str, Fact] | str:
    """Every fact of this grading's log, by name; or why there is none (no model API, the
    stages never ran, nothing was sent)."""
    from harness.model_api.analysis import Terms, analyse

    run = context.model_api
    if run is None:
        return "the challenge gives no model API, or its stages never ran"
    if not run.called:
        return NEVER_CALLED
    terms = Terms.from_config(run.config)
    tickets = len(context.raw_predictions) if context.raw_predictions is not None else 0
    whole = analyse(run.log, tickets, terms)
    paced = analyse(run.stage_log(*OWN_PACE_STAGES), tickets, terms)
    predicted = analyse(run.stage_log("predict"), tickets, terms)
    return {
        **{n: whole[n] for n in WHOLE},
        **{n: paced[n] for n in PACED},
        **{n: predicted[n] for n in PREDICT},
    }


def fact_evidence(fact: Fact) -> tuple[Evidence, ...]:
    """The measurement (its message is what a follow-up question quotes), then each log
    line it rests on, with its line number in the request log."""
    lines = tuple(
        Evidence(kind="log", lines=(e.line, e.line), excerpt=e.text[:EXCERPT_CHARS])
        for e in fact.evidence
    )
    return (Evidence(kind="metric", excerpt=fact.name, value=fact.message), *lines)


def judged(facts: Iterable[Fact], partial_when_mixed: bool = False) -> Judgement:
    """One judgement of one or more facts: failed if any failed, skipped if none could be measured;
    the messages joined, the evidence of the failing ones first."""
    chosen = list(facts)
    measured = [f for f in chosen if f.ok is not None]
    if not measured:
        why = "; ".join(f.message for f in chosen)
        return skipped(why, *(e for f in chosen for e in fact_evidence(f)))
    failed = [f for f in measured if f.ok is False]
    shown = failed or measured
    evidence = tuple(e for f in shown for e in fact_evidence(f))
    message = "; ".join(f.message for f in shown)
    if not failed:
        return graded(1.0, message, *evidence)
    score = 0.5 if partial_when_mixed and len(failed) < len(measured) else 0.0
    return graded(score, message, *evidence)


def _facts(context: CheckContext, *names: str) -> list[Fact] | Judgement:
    found = api_facts(context)
    if isinstance(found, str):
        return skipped(found, Evidence(kind="text", excerpt=found))
    return [found[name] for name in names]


def _judge(context: CheckContext, *names: str, partial: bool = False) -> Judgement:
    facts = _facts(context, *names)
    return facts if isinstance(facts, Judgement) else judged(facts, partial)


def _api_check(
    check_id: str, dimension: DimensionName, title: str
) -> Callable[[CheckFunction], CheckFunction]:
    return check(PREFIX + check_id, dimension=dimension, title=title)


@_api_check("retry_after", "deployment", "Retry-After honoured")
def retry_after(context: CheckContext) -> Judgement:
    """After a 429 (or 503) answer with Retry-After, the gap to the next request for the same
    prompt is at least the seconds it asked for. A client that comes back early is refused again
    and (why it matters) at scale keeps a provider's rate limiter shut for everyone. Evidence:
    the earliest comeback and the answer it ignored, as logged."""
    return _judge(context, "retry_after")


@_api_check("backoff", "deployment", "Retries bounded, with backoff")
def backoff(context: CheckContext) -> Judgement:
    """Retries of one prompt are few and spaced out, and a burst of errors does not become a retry
    storm (requests a second while the API fails). Why it matters: the classic incident of an
    LLM-backed feature, a retry loop without backoff multiplying an outage. Evidence: the
    longest run of attempts at one prompt, the worst burst, with their log lines."""
    return _judge(context, "retries_bounded", "retry_storm", partial=True)


@_api_check("timeout", "deployment", "A stalled call abandoned")
def timeout(context: CheckContext) -> Judgement:
    """A request the API never answers is abandoned by a client timeout well before the server's
    own stall limit; why: without one, one stuck connection hangs a worker, then the service.
    Evidence: the stalled requests, how long each was held, whether the client hung up."""
    return _judge(context, "stall_timeout")


@_api_check("degradation", "deployment", "Graceful degradation when the API fails")
def degradation(context: CheckContext) -> Judgement:
    """While the API failed under it, predict still answered every ticket (a fallback or a clear
    default, never a crash or a hang: why a team cares), and the service still answered the
    probe and stayed up. Evidence: the failed API requests it met, and the stage's outcome."""
    from harness.model_api.analysis import degradation as degraded

    run = context.model_api
    found = api_facts(context)
    if run is None or isinstance(found, str):
        why = found if isinstance(found, str) else NEVER_CALLED
        return skipped(why, Evidence(kind="text", excerpt=why))
    predict = context.stage("predict")
    rows = context.raw_predictions
    answered = int(rows["prediction"].str.strip().ne("").sum()) if rows is not None else 0
    expected = len(rows) if rows is not None else max(1, answered)
    facts = [degraded(run.stage_log("predict"), "predict", predict.verdict, expected, answered)]
    if context.probe is not None:
        probe = context.probe
        status = probe.valid_status() if probe.healthy else None
        replied = int(status is not None and status < 500) + int(probe.alive_after)
        serve = context.stage("serve").verdict
        facts.append(degraded(run.stage_log("serve"), "serve", serve, 2, replied))
    return judged(facts, partial_when_mixed=True)


@_api_check("cost", "data_judgment", "Cost per 1,000 tickets within the budget")
def cost(context: CheckContext) -> Judgement:
    """What predict's paid requests cost per 1,000 tickets, at the announced prices, against the
    challenge's budget (why: the brief states one). Over budget scores in proportion (twice the
    budget: half). Evidence: one logged request per model used, with its tokens."""
    facts = _facts(context, "cost")
    if isinstance(facts, Judgement):
        return facts
    fact = facts[0]
    per_1000, budget = fact.measured.get("usd_per_1000"), fact.measured.get("budget_usd_per_1000")
    if fact.ok is not False or not isinstance(per_1000, float | int):
        return judged([fact])
    share = float(budget) / float(per_1000) if isinstance(budget, float | int) and per_1000 else 0
    return graded(min(0.7, share), fact.message, *fact_evidence(fact))


@_api_check("cache", "data_judgment", "Identical tickets not paid for twice")
def cache(context: CheckContext) -> Judgement:
    """The same prompt to the same model, answered in full more than once in predict, is paid for
    again, which is why a cache (or de-duplicating identical tickets) costs nothing. Evidence:
    the pairs of identical paid requests."""
    return _judge(context, "duplicates")


@_api_check("concurrency", "deployment", "Concurrency within the announced rate limit")
def concurrency(context: CheckContext) -> Judgement:
    """The most requests in flight at once against the announced limit (why: over it, every user of
    the key gets 429s), and the requests refused at the limits. Evidence: the peak request, the
    refused ones."""
    return _judge(context, "concurrency")


@_api_check("model_choice", "data_judgment", "The cheap model where it suffices")
def model_choice(context: CheckContext) -> Judgement:
    """The share of predict's paid requests on the cheapest model still available, and whether the
    service stopped calling a model that went away (404 model_not_found): why, because cost and
    resilience are the model choice. Evidence: a request per model, and the calls after the 404."""
    return _judge(context, "model_mix", "gone_model", partial=True)


@_api_check("personal_data", "data_judgment", "No personal data sent to the model API")
def personal_data(context: CheckContext) -> Judgement:
    """The planted personal data (canary values: emails, phone and card numbers in the graded
    tickets) found in what the service sent to the outside model API, in any stage. Why: sending
    one is a privacy incident, whatever the accuracy; a service that never called the API sent
    none. Evidence: the requests that carried one."""
    run = context.model_api
    if run is not None and not run.called and run.config.get("canaries"):
        return graded(1.0, "the service never called the model API: no personal data left")
    return _judge(context, "canaries")


def model_api_use(context: CheckContext) -> ModelApiUse | None:
    """The log in numbers for `result.json` (None: the challenge gives no model API)."""
    run = context.model_api
    if run is None:
        return None
    found = api_facts(context)
    facts = {} if isinstance(found, str) else found
    seed = run.config.get("fault_seed")
    return ModelApiUse(
        requests=len(run.log.requests),
        chat_requests=len(run.log.chat),
        fault_seed=seed if isinstance(seed, int) else None,
        windows=tuple(
            StageWindow(stage=w.stage, start_s=round(w.start_s, 3), end_s=round(w.end_s, 3))
            for w in run.windows
        ),
        facts={
            name: ApiFact(ok=f.ok, message=f.message, measured=dict(f.measured))
            for name, f in facts.items()
        },
        log_problems=run.log.problems,
    )
