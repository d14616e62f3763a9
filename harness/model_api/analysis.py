"""What a submission's use of the model API shows, measured from the server's request log.

Pure functions from the parsed log (plus the number of tickets the stage predicted and the
terms of the config: prices, budget, announced limits) to facts. A fact is a measurement
with a verdict (`ok`, or None when the log cannot show it: the fault was never met, nothing
was sent), a one-line message in numbers a follow-up question can quote ("under the 429
burst your service sent 41 requests in 2.0 s"), and the log lines it rests on.

Requests are told apart by what they asked, not by who sent them: every client is 127.0.0.1,
so a retry is a request with the same prompt hash (the same messages), whatever the model.
Graceful degradation is not in the log (it is in what predict and the serve probe returned):
`degradation` takes those outcomes as plain numbers and reads the faults met beside them.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.model_api.requestlog import LoggedRequest, RequestLog

Measured = dict[str, float | int | str | None]


@dataclass(frozen=True)
class Evidence:
    """One log line a fact rests on."""

    line: int
    text: str


@dataclass(frozen=True)
class Fact:
    """One measured behaviour, its verdict and its evidence."""

    name: str
    ok: bool | None
    """None: the log cannot show it (the fault was never met, nothing was sent)."""
    message: str
    measured: Measured = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Terms:
    """What the analysis needs of the config beside the log."""

    prices: Mapping[str, tuple[float, float]]
    """Per model: USD per million input tokens, per million output tokens."""
    budget_usd_per_1000: float | None = None
    max_concurrent: int = 0
    requests_per_minute: int = 0
    stall_limit_s: float = 30.0
    canaries: int = 0
    """How many canaries the server looked for (0: the challenge plants none)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Terms:
        """The terms of a config as `config.graded_config` builds it."""
        models = config.get("models") or {}
        limit = config.get("rate_limit") or {}
        return cls(
            prices={name: (float(spec.get("input_per_1m", 0.0)),
                           float(spec.get("output_per_1m", 0.0)))
                    for name, spec in models.items()},
            budget_usd_per_1000=config.get("budget_usd_per_1000"),
            max_concurrent=int(limit.get("max_concurrent", 0)),
            requests_per_minute=int(limit.get("requests_per_minute", 0)),
            stall_limit_s=float(config.get("stall_limit_s", 30.0)),
            canaries=len(config.get("canaries") or ()),
        )  # fmt: skip

    def cost(self, request: LoggedRequest) -> float:
        price_in, price_out = self.prices.get(request.model or "", (0.0, 0.0))
        return (request.prompt_tokens * price_in + request.completion_tokens * price_out) / 1e6


@dataclass(frozen=True)
class Thresholds:
    """Where a measurement turns into a problem; the checks may set their own."""

    retry_after_slack_s: float = 0.1
    max_attempts: int = 6
    """Attempts at one prompt before a success: more is an unbounded retry loop."""
    min_backoff_s: float = 0.1
    """3+ attempts at one prompt never more than this apart: no backoff (the openai SDK
    starts at 0.5 s; a storm is a millisecond apart)."""
    storm_rate_per_s: float = 10.0
    """Error answers a second in a burst above which it is a retry storm (a careful client
    gets about one per worker per Retry-After)."""
    burst_gap_s: float = 2.0
    stall_wait_s: float | None = None
    """Abandoning a stall later than this is too late (None: 90% of the server's limit)."""
    min_cheap_share: float = 0.5
    gone_model_calls: int = 3
    episode_gap_s: float = 60.0
    evidence_lines: int = 6


def analyse(
    log: RequestLog, tickets: int, terms: Terms, thresholds: Thresholds = Thresholds()
) -> dict[str, Fact]:
    """Every fact of the log, by name."""
    chat = log.chat
    facts = (
        retry_after(chat, thresholds),
        retries_bounded(chat, thresholds),
        retry_storm(chat, thresholds),
        stall_timeout(chat, terms, thresholds),
        cost(chat, tickets, terms, thresholds),
        duplicates(chat, terms, thresholds),
        concurrency(chat, terms, thresholds),
        model_mix(chat, terms, thresholds),
        canaries(chat, terms, thresholds),
        gone_model(chat, thresholds),
        fault_outcomes(chat, thresholds),
    )
    return {fact.name: fact for fact in facts}


# --- retries --------------------------------------------------------------------------------


def retry_after(chat: Sequence[LoggedRequest], th: Thresholds) -> Fact:
    """Each answer with Retry-After, and the gap to the same client's next request."""
    waits = [r for r in chat if r.retry_after and r.status in (429, 503) and r.prompt_sha256]
    following = _next_request(chat)
    pairs = [(r, following[r.line]) for r in waits if r.line in following]
    if not pairs:
        said = "no prompt was sent again after" if waits else "the service met no"
        return Fact("retry_after", None, f"{said} Retry-After", {"with_retry_after": len(waits)})
    gaps = [(r, n, n.t_start - r.t_end) for r, n in pairs]
    early = [
        (r, n, gap) for r, n, gap in gaps if gap < (r.retry_after or 0) - th.retry_after_slack_s
    ]
    shortest = min(gaps, key=lambda item: item[2] - (item[0].retry_after or 0))
    measured: Measured = {"retried": len(gaps), "early": len(early),
                          "shortest_gap_s": round(shortest[2], 3),
                          "its_retry_after_s": shortest[0].retry_after}  # fmt: skip
    if not early:
        message = (f"all {len(gaps)} requests sent after a Retry-After waited for it "
                   f"(the closest {shortest[2]:.2f} s after a Retry-After of "
                   f"{shortest[0].retry_after:g} s)")  # fmt: skip
        return Fact("retry_after", True, message, measured, _lines([shortest[0], shortest[1]]))
    first = early[0]
    message = (
        f"{len(early)} of {len(gaps)} requests after a Retry-After came before it had passed "
        f"(one {first[2]:.2f} s after a Retry-After of {first[0].retry_after:g} s)"
    )
    cited = [request for r, n, _ in early[: th.evidence_lines // 2] for request in (r, n)]
    return Fact("retry_after", False, message, measured, _lines(cited))


def retries_bounded(chat: Sequence[LoggedRequest], th: Thresholds) -> Fact:
    """Attempts at one prompt until it succeeded, and whether they backed off."""
    episodes = _episodes(chat, th.episode_gap_s)
    if not episodes:
        return Fact("retries_bounded", None, "no request reached the model API")
    longest = max(episodes, key=len)
    flat = [e for e in episodes if len(e) >= 3 and max(_gaps(e)) < th.min_backoff_s]
    retried = [e for e in episodes if len(e) > 1]
    measured: Measured = {"prompts_retried": len(retried), "max_attempts": len(longest),
                          "episodes_without_backoff": len(flat)}  # fmt: skip
    if len(longest) > th.max_attempts:
        span = longest[-1].t_end - longest[0].t_start
        ending = "before it succeeded" if longest[-1].usable else "without a usable answer"
        message = f"one prompt was sent {len(longest)} times in {span:.1f} s {ending}"
        return Fact("retries_bounded", False, message, measured, _ends(longest, th))
    if flat:
        gap = max(_gaps(flat[0]))
        message = (
            f"{len(flat)} prompt(s) retried with no backoff: {len(flat[0])} attempts "
            f"at most {gap * 1000:.0f} ms apart"
        )
        return Fact("retries_bounded", False, message, measured, _ends(flat[0], th))
    message = (
        f"at most {len(longest)} attempts at one prompt; {len(retried)} prompt(s) "
        "retried, each with a pause that grew or waited"
    )
    return Fact("retries_bounded", True, message, measured, _ends(longest, th))


def retry_storm(chat: Sequence[LoggedRequest], th: Thresholds) -> Fact:
    """How fast the service kept sending while the API answered errors (429, 5xx) in a
    burst: the error answers a second, over at least one second."""
    errors = [r for r in chat if r.status == 429 or (r.status or 0) >= 500]
    if not errors:
        return Fact("retry_storm", None, "the service met no burst of errors")
    bursts = _clusters(errors, th.burst_gap_s)
    worst = max(bursts, key=lambda burst: len(burst) / max(1.0, _span(burst)))
    span = max(1.0, _span(worst))
    rate = len(worst) / span
    measured: Measured = {
        "bursts": len(bursts),
        "worst_rate_per_s": round(rate, 2),
        "requests_in_worst": len(worst),
        "worst_span_s": round(_span(worst), 2),
    }
    ok = rate <= th.storm_rate_per_s
    lead = "" if ok else "a retry storm: "
    codes = "/".join(sorted({str(r.status) for r in worst}))
    message = (f"{lead}under the worst burst of {codes} answers your service sent "
               f"{len(worst)} requests in {span:.1f} s ({rate:.1f} a second)")  # fmt: skip
    return Fact("retry_storm", ok, message, measured, _ends(worst, th))


def _next_request(chat: Sequence[LoggedRequest]) -> dict[int, LoggedRequest]:
    """For each request (by line), the client's next one: the next with the same prompt, or,
    when the service never had two requests in flight (one client, one at a time), simply
    the next one (a client that moves on to the next ticket is still the same client)."""
    if any(r.concurrent for r in chat):
        return _next_by_prompt(chat)
    return {a.line: b for a, b in itertools.pairwise(chat)}


def _next_by_prompt(chat: Sequence[LoggedRequest]) -> dict[int, LoggedRequest]:
    """For each request (by line), the next request with the same prompt."""
    following: dict[int, LoggedRequest] = {}
    last: dict[str, LoggedRequest] = {}
    for request in chat:
        if request.prompt_sha256 is None:
            continue
        before = last.get(request.prompt_sha256)
        if before is not None:
            following[before.line] = request
        last[request.prompt_sha256] = request
    return following


def _episodes(chat: Sequence[LoggedRequest], gap_s: float) -> list[list[LoggedRequest]]:
    """Per prompt, the runs of attempts that end with a usable answer (or a long pause).
    A client that never had two requests in flight retries a prompt before it sends any
    other: when it sent others in between, the prompt is a new ticket with the same words
    (a duplicate), not a retry."""
    serial = not any(r.concurrent for r in chat)
    open_runs: dict[str, list[LoggedRequest]] = {}
    done: list[list[LoggedRequest]] = []
    previous: str | None = None
    for request in chat:
        key = request.prompt_sha256
        if key is None:
            continue
        run = open_runs.get(key)
        moved_on = serial and previous is not None and previous != key
        if run is not None and (moved_on or request.t_start - run[-1].t_end > gap_s):
            done.append(open_runs.pop(key))
        previous = key
        open_runs.setdefault(key, []).append(request)
        if request.usable:
            done.append(open_runs.pop(key))
    return done + list(open_runs.values())


def _gaps(run: Sequence[LoggedRequest]) -> list[float]:
    return [max(0.0, b.t_start - a.t_end) for a, b in itertools.pairwise(run)]


def _clusters(requests: Sequence[LoggedRequest], gap_s: float) -> list[list[LoggedRequest]]:
    clusters: list[list[LoggedRequest]] = []
    for request in requests:
        if clusters and request.t_start - clusters[-1][-1].t_end <= gap_s:
            clusters[-1].append(request)
        else:
            clusters.append([request])
    return clusters


def _span(run: Sequence[LoggedRequest]) -> float:
    return max(r.t_end for r in run) - run[0].t_start


# --- stalls, the model going away, what followed each fault ---------------------------------


def stall_timeout(chat: Sequence[LoggedRequest], terms: Terms, th: Thresholds) -> Fact:
    """Whether each stalled request was abandoned, and after how long."""
    stalls = [r for r in chat if r.fault == "stall"]
    if not stalls:
        return Fact("stall_timeout", None, "the service met no stalled request")
    limit = th.stall_wait_s if th.stall_wait_s is not None else 0.9 * terms.stall_limit_s
    held = [r for r in stalls if not r.client_disconnected or r.held_s > limit]
    longest = max(stalls, key=lambda r: r.held_s)
    measured: Measured = {"stalls": len(stalls), "abandoned": sum(r.client_disconnected
                          for r in stalls), "longest_held_s": round(longest.held_s, 2),
                          "limit_s": round(limit, 2)}  # fmt: skip
    if not held:
        message = (
            f"every stalled request ({len(stalls)}) was abandoned, after at most "
            f"{longest.held_s:.1f} s"
        )
        return Fact("stall_timeout", True, message, measured, _lines(stalls[: th.evidence_lines]))
    worst = held[0]
    how = ("was abandoned only" if worst.client_disconnected
           else "was still waiting when the stage ended" if worst.interrupted
           else "was never abandoned: held until the server's own stall limit,")  # fmt: skip
    message = f"a stalled request {how} after {worst.held_s:.1f} s (no client timeout below it)"
    return Fact("stall_timeout", False, message, measured, _lines(held[: th.evidence_lines]))


def gone_model(chat: Sequence[LoggedRequest], th: Thresholds) -> Fact:
    """After a model began answering 404, whether the service kept calling it."""
    first = next((r for r in chat if r.fault == "model_gone"), None)
    if first is None:
        return Fact("gone_model", None, "no model the service used went away")
    after = [r for r in chat if r.t_start > first.t_end]
    again = [r for r in after if r.model == first.model]
    others = Counter(r.model for r in after if r.model != first.model and r.billed)
    measured: Measured = {"model": first.model, "calls_after": len(again),
                          "switched_to": ", ".join(sorted(m for m in others if m))}  # fmt: skip
    ok = len(again) <= th.gone_model_calls
    then = (f"switched to {measured['switched_to']}" if others
            else "answered nothing more from the API")  # fmt: skip
    message = (
        f"after {first.model} answered 404 model_not_found, your service called it "
        f"{len(again)} more time(s) and {then}"
    )
    return Fact("gone_model", ok, message, measured, _lines([first, *again][: th.evidence_lines]))


def fault_outcomes(chat: Sequence[LoggedRequest], th: Thresholds) -> Fact:
    """Each fault kind met, and how often the same prompt was sent again after it."""
    faulted = [r for r in chat if r.fault]
    if not faulted:
        return Fact("fault_outcomes", None, "the service met no injected fault")
    following = _next_by_prompt(chat)
    met = Counter(r.fault for r in faulted)
    retried = Counter(r.fault for r in faulted if r.line in following)
    measured: Measured = {f"{kind}_met": n for kind, n in met.items() if kind}
    measured |= {f"{kind}_retried": retried[kind] for kind in met if kind}
    parts = [f"{kind} x{n} (asked again after {retried[kind]})" for kind, n in sorted(met.items())
             if kind]  # fmt: skip
    firsts = list({r.fault: r for r in reversed(faulted)}.values())
    return Fact("fault_outcomes", None, "met " + ", ".join(parts), measured,
                _lines(sorted(firsts, key=lambda r: r.line)[: th.evidence_lines]))  # fmt: skip


# --- cost, caching, limits, models, personal data -------------------------------------------


def cost(chat: Sequence[LoggedRequest], tickets: int, terms: Terms, th: Thresholds) -> Fact:
    """Tokens times the price table, per 1,000 tickets, against the budget."""
    billed = [r for r in chat if r.billed]
    total = sum(terms.cost(r) for r in billed)
    per_1000 = total / tickets * 1000 if tickets > 0 else None
    by_model: dict[str, float] = defaultdict(float)
    for request in billed:
        by_model[request.model or "?"] += terms.cost(request)
    measured: Measured = {
        "usd": round(total, 6),
        "usd_per_1000": _rounded(per_1000),
        "budget_usd_per_1000": terms.budget_usd_per_1000,
        "tickets": tickets,
        "billed_requests": len(billed),
        "prompt_tokens": sum(r.prompt_tokens for r in billed),
        "completion_tokens": sum(r.completion_tokens for r in billed),
    }
    measured |= {f"usd_{model}": round(usd, 6) for model, usd in by_model.items()}
    samples = list({r.model: r for r in reversed(billed)}.values())
    if per_1000 is None:
        return Fact("cost", None, f"${total:.4f} spent, but no ticket was predicted", measured,
                    _lines(samples[: th.evidence_lines]))  # fmt: skip
    budget = terms.budget_usd_per_1000
    ok = None if budget is None else per_1000 <= budget
    against = "" if budget is None else f" against a budget of ${budget:.2f}"
    message = f"${per_1000:.4f} per 1,000 tickets{against} ({len(billed)} paid requests)"
    return Fact("cost", ok, message, measured, _lines(samples[: th.evidence_lines]))


def duplicates(chat: Sequence[LoggedRequest], terms: Terms, th: Thresholds) -> Fact:
    """The same prompt to the same model answered in full more than once: paid twice."""
    answers: dict[tuple[str | None, str], list[LoggedRequest]] = defaultdict(list)
    for request in chat:
        if request.usable and request.prompt_sha256:
            answers[(request.model, request.prompt_sha256)].append(request)
    if not answers:
        return Fact("duplicates", None, "no answer was received from the model API")
    repeated = [group for group in answers.values() if len(group) > 1]
    extra = [r for group in repeated for r in group[1:]]
    measured: Measured = {"distinct_prompts": len(answers), "repeated_prompts": len(repeated),
                          "extra_paid": len(extra),
                          "extra_usd": round(sum(terms.cost(r) for r in extra), 6)}  # fmt: skip
    if not repeated:
        message = f"no prompt was paid for twice ({len(answers)} distinct prompts answered)"
        return Fact("duplicates", True, message, measured)
    message = (
        f"{len(repeated)} identical prompt(s) were answered and paid for again, "
        f"{len(extra)} extra answers in all"
    )
    cited = [r for group in repeated[: th.evidence_lines // 2] for r in group[:2]]
    return Fact("duplicates", False, message, measured, _lines(cited))


def concurrency(chat: Sequence[LoggedRequest], terms: Terms, th: Thresholds) -> Fact:
    """The most requests in flight at once, and the refusals at the announced limits."""
    counted = [r for r in chat if r.concurrent is not None]
    if not counted:
        return Fact("concurrency", None, "no request reached the model API")
    peak = max(counted, key=lambda r: r.concurrent or 0)
    tried = (peak.concurrent or 0) + 1
    refused = [r for r in chat if r.limit is not None]
    refused_kinds = Counter(r.limit for r in refused)
    measured: Measured = {"peak_in_flight": tried, "max_concurrent": terms.max_concurrent,
                          "refused_concurrency": refused_kinds["concurrency"],
                          "refused_per_minute": refused_kinds["requests_per_minute"]}  # fmt: skip
    over = bool(terms.max_concurrent) and tried > terms.max_concurrent
    if not over and not refused:
        limit = f" (the limit is {terms.max_concurrent})" if terms.max_concurrent else ""
        message = f"at most {tried} request(s) in flight at once{limit}"
        return Fact("concurrency", True, message, measured, _lines([peak]))
    return Fact(
        "concurrency", False, _over_limits(tried, over, refused_kinds, terms), measured,
        _lines([peak, *refused][: th.evidence_lines]),
    )  # fmt: skip


def _over_limits(tried: int, over: bool, refused: Counter[str | None], terms: Terms) -> str:
    """Which announced limit the service went over: in flight at once, or a minute's share."""
    limit = f"the limit is {terms.max_concurrent}" if terms.max_concurrent else "no limit given"
    said = [f"up to {tried} request(s) in flight at once ({limit})"]
    if refused["concurrency"]:
        said.append(f"{refused['concurrency']} refused with 429 for too many in flight")
    if refused["requests_per_minute"]:
        said.append(
            f"{refused['requests_per_minute']} refused with 429 for going over "
            f"{terms.requests_per_minute} requests a minute"
        )
    return "; ".join(said) if over or len(said) == 1 else f"{said[0]}, but " + "; ".join(said[1:])


def model_mix(chat: Sequence[LoggedRequest], terms: Terms, th: Thresholds) -> Fact:
    """The share of paid requests per model, and how many went to the cheapest model still
    there at the time (after the cheap one went away, the next cheapest is what suffices)."""
    billed = Counter(r.model for r in chat if r.billed)
    total = sum(billed.values())
    if not total or not terms.prices:
        return Fact("model_mix", None, "no request was answered by a model")
    on_cheapest = _on_cheapest_available(chat, terms)
    share = on_cheapest / total
    measured: Measured = {f"share_{m}": round(n / total, 3) for m, n in billed.items() if m}
    measured |= {"cheapest_available_share": round(share, 3)}
    split = ", ".join(f"{m} {n / total:.0%}" for m, n in billed.most_common() if m)
    message = f"paid requests by model: {split}; {share:.0%} on the cheapest model available"
    samples = list({r.model: r for r in reversed(chat) if r.billed}.values())
    return Fact("model_mix", share >= th.min_cheap_share, message, measured,
                _lines(samples[: th.evidence_lines]))  # fmt: skip


def _on_cheapest_available(chat: Sequence[LoggedRequest], terms: Terms) -> int:
    """Paid requests on the cheapest model not gone (404 model_not_found) before them."""
    by_price = sorted(terms.prices, key=lambda m: terms.prices[m])
    gone: set[str] = set()
    count = 0
    for request in chat:
        if request.fault == "model_gone" and request.model:
            gone.add(request.model)
        if request.billed:
            count += request.model == next((m for m in by_price if m not in gone), None)
    return count


def canaries(chat: Sequence[LoggedRequest], terms: Terms, th: Thresholds) -> Fact:
    """Planted personal data (canary values) found in what the service sent the API."""
    if not terms.canaries:
        return Fact("canaries", None, "the challenge plants no canary values")
    sent = [r for r in chat if r.canaries]
    distinct = sorted({c for r in sent for c in r.canaries})
    measured: Measured = {"requests_with_canaries": len(sent), "distinct_canaries": len(distinct),
                          "planted": terms.canaries}  # fmt: skip
    if not sent:
        return Fact("canaries", True, f"none of the {terms.canaries} planted values was sent",
                    measured)  # fmt: skip
    message = (
        f"{len(sent)} request(s) sent planted personal data to the API "
        f"({len(distinct)} of the {terms.canaries} planted values)"
    )
    return Fact("canaries", False, message, measured, _lines(sent[: th.evidence_lines]))


# --- graceful degradation (from the stage's outcome, beside the log) ------------------------


def degradation(log: RequestLog, stage: str, verdict: str, expected: int, answered: int) -> Fact:
    """Whether the stage still answered every ticket while the API failed under it: a
    fallback or a clear error for each, never a crash or a hang. `verdict` is the stage's
    (`ok`, `failed`, `timeout`...); `answered` the tickets with a prediction (for serve:
    the probe's requests answered with 2xx/4xx, `expected` how many it sent)."""
    faulted = [r for r in log.chat if r.fault or r.limit]
    measured: Measured = {"stage": stage, "verdict": verdict, "expected": expected,
                          "answered": answered, "faults_met": len(faulted)}  # fmt: skip
    if not faulted:
        return Fact("degradation", None, f"{stage} met no fault of the model API", measured)
    ok = verdict == "ok" and answered >= expected
    message = (
        f"{stage} met {len(faulted)} failed API request(s) and answered {answered} of "
        f"{expected} ({verdict})"
    )
    return Fact("degradation", ok, message, measured, _lines(faulted[:6]))


def _lines(requests: Iterable[LoggedRequest]) -> tuple[Evidence, ...]:
    seen: dict[int, Evidence] = {}
    for request in requests:
        seen.setdefault(request.line, Evidence(request.line, request.text))
    return tuple(seen.values())


def _ends(run: Sequence[LoggedRequest], th: Thresholds) -> tuple[Evidence, ...]:
    """The first and last lines of a run (the middle says nothing more)."""
    half = max(1, th.evidence_lines // 2)
    return _lines([*run[:half], *run[-half:]] if len(run) > 2 * half else run)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
