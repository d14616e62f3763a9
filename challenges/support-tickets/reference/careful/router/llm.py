"""The model API client: one small model, asked only about tickets the classifier is unsure of.

Written on httpx alone so that every failure policy is ours and visible here, not an SDK's
default:

- a timeout on every call (a stalled call is abandoned, never waited on for minutes);
- at most `max_attempts` tries per ticket, waiting `Retry-After` when the API gives one and
  an exponential backoff with jitter otherwise; a wait longer than `max_wait_s`, or past the
  caller's deadline, is not waited: the ticket falls back to the classifier;
- a circuit breaker: after `breaker_failures` tickets in a row that failed, no call for
  `breaker_pause_s` (a failing API is not hammered, and routing stays fast);
- requests spaced to stay under the announced rate limit, and at most two in flight;
- a model that answers 404 is dropped for the next one in `models`;
- identical prompts are answered from a cache (a ticket sent twice is paid for once);
- spending stops at the budget; every call's tokens and cost are counted.

`classify` never raises for anything the API does: it returns None, and the caller falls
back. It never sees raw ticket text: callers pass text through `router.redact` first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from router import QUEUES, URGENCY

logger = logging.getLogger("router.llm")

PRICES = {"route-mini": (0.15, 0.60), "route-standard": (1.00, 4.00), "route-large": (5.00, 20.00)}
"""USD per million input and output tokens, from the brief."""
SYSTEM_PROMPT = (
    "You route customer support tickets for Hearth, a smart-home company. Queues: billing, "
    "technical, account, shipping, returns, sales. Urgency: low, normal, high, urgent. Reply "
    'with JSON only, like {"queue": "billing", "urgency": "normal"}.'
)
MAX_PROMPT_CHARS = 1500
MAX_TOKENS = 40
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ApiSettings:
    """Where the API is and how patient to be with it."""

    base_url: str
    key: str
    models: tuple[str, ...] = ("route-mini", "route-standard")
    timeout_s: float = 8.0
    connect_timeout_s: float = 2.0
    max_attempts: int = 3
    max_wait_s: float = 20.0
    min_interval_s: float = 0.25
    """60 / 0.25 = 240 requests a minute, under the 300 announced."""
    max_in_flight: int = 2
    breaker_failures: int = 5
    breaker_pause_s: float = 30.0
    budget_usd: float | None = None


@dataclass(frozen=True)
class Answer:
    """What the model said about one ticket."""

    queue: str
    urgency: str | None
    model: str


@dataclass
class Usage:
    """What the client did, for the logs and the write-up's cost figures."""

    calls: int = 0
    retries: int = 0
    failures: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class ModelGoneError(Exception):
    """The model answered 404: it is not coming back during this run."""


class ApiRefusedError(Exception):
    """A refusal no retry fixes (a wrong key, a request the API rejects)."""


class ModelClient:
    """Thread-safe: `serve` shares one between its request threads."""

    def __init__(
        self,
        settings: ApiSettings,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.http = http or httpx.Client(
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
        )
        self.sleep, self.clock = sleep, clock
        self.usage = Usage()
        self._cache: dict[str, Answer] = {}
        self._gone: set[str] = set()
        self._disabled = False
        self._failed_in_a_row = 0
        self._paused_until = 0.0
        self._next_slot = 0.0
        self._lock = threading.Lock()
        self._in_flight = threading.BoundedSemaphore(settings.max_in_flight)
        self._jitter = random.Random(0)  # noqa: S311  (jitter, not a secret)

    def classify(self, text: str, deadline: float | None = None) -> Answer | None:
        """The model's answer for a (redacted) ticket, or None when the API cannot give one
        in time; `deadline` is a `clock()` value not to go past."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._cache:
                self.usage.cache_hits += 1
                return self._cache[key]
            if not self._may_call() or not self._in_time(deadline):
                return None
        answer = self._first_answer(text[:MAX_PROMPT_CHARS], deadline)
        with self._lock:
            self._record(answer)
            if answer is not None:
                self._cache[key] = answer
        return answer

    def _may_call(self) -> bool:
        budget = self.settings.budget_usd
        over_budget = budget is not None and self.usage.cost_usd >= budget
        live = [m for m in self.settings.models if m not in self._gone]
        return not (self._disabled or over_budget or not live or self.clock() < self._paused_until)

    def _in_time(self, deadline: float | None) -> bool:
        """Whether one call, timing out, would still end before the deadline."""
        return deadline is None or self.clock() + self.settings.timeout_s <= deadline

    def _record(self, answer: Answer | None) -> None:
        if answer is not None:
            self._failed_in_a_row = 0
            return
        self.usage.failures += 1
        self._failed_in_a_row += 1
        if self._failed_in_a_row >= self.settings.breaker_failures:
            self._paused_until = self.clock() + self.settings.breaker_pause_s
            self._failed_in_a_row = 0
            logger.warning("model API failing: no calls for %.0f s", self.settings.breaker_pause_s)

    def _first_answer(self, text: str, deadline: float | None) -> Answer | None:
        for model in self.settings.models:
            if model in self._gone:
                continue
            try:
                return self._with_retries(model, text, deadline)
            except ModelGoneError:
                with self._lock:
                    self._gone.add(model)
                logger.warning("model %s is gone (404); using the next one", model)
            except ApiRefusedError as err:
                with self._lock:
                    self._disabled = True
                logger.error("model API refused us (%s); not calling it again this run", err)
                return None
        return None

    def _with_retries(self, model: str, text: str, deadline: float | None) -> Answer | None:
        for attempt in range(self.settings.max_attempts):
            answer, wait = self._attempt(model, text, attempt)
            if answer is not None:
                return answer
            last = attempt + 1 >= self.settings.max_attempts
            if last or wait is None or not self._can_wait(wait, deadline):
                return None
            self.usage.retries += 1
            self.sleep(wait)
        return None

    def _can_wait(self, wait: float, deadline: float | None) -> bool:
        if wait > self.settings.max_wait_s:
            return False
        return deadline is None or self.clock() + wait + self.settings.timeout_s <= deadline

    def _attempt(self, model: str, text: str, attempt: int) -> tuple[Answer | None, float | None]:
        """One call: the answer, or how long to wait before the next try (None: do not)."""
        with self._in_flight:
            self._take_slot()
            try:
                response = self.http.post(
                    f"{self.settings.base_url.rstrip('/')}/chat/completions",
                    headers={"Authorization": f"Bearer {self.settings.key}"},
                    json=request_body(model, text),
                )
            except httpx.TimeoutException:
                return self._failed("timeout", attempt)
            except httpx.TransportError:
                return self._failed("connection", attempt)
        return self._read(model, response, attempt)

    def _take_slot(self) -> None:
        """Space request starts `min_interval_s` apart across threads."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next_slot)
            self._next_slot = start + self.settings.min_interval_s
            self.usage.calls += 1
        if start > now:
            self.sleep(start - now)

    def _read(self, model: str, response: httpx.Response, attempt: int
              ) -> tuple[Answer | None, float | None]:  # fmt: skip
        status = response.status_code
        if status == 200:
            answer = self._parse(model, response)
            return (answer, None) if answer else self._failed("bad_answer", attempt)
        if status == 404:
            raise ModelGoneError(model)
        if status in RETRY_STATUSES:
            wait = retry_after(response)
            self._count(f"http_{status}")
            return None, wait if wait is not None else self._backoff(attempt)
        raise ApiRefusedError(f"HTTP {status}")

    def _parse(self, model: str, response: httpx.Response) -> Answer | None:
        try:
            body = response.json()
            choice = body["choices"][0]
            self._charge(model, body.get("usage") or {})
            if choice.get("finish_reason") == "length":
                return None
            return parse_answer(choice["message"]["content"], model)
        except (ValueError, KeyError, IndexError, TypeError):
            return None

    def _charge(self, model: str, usage: dict[str, Any]) -> None:
        prompt = int(usage.get("prompt_tokens", 0))
        completion = int(usage.get("completion_tokens", 0))
        price_in, price_out = PRICES.get(model, PRICES["route-large"])
        with self._lock:
            self.usage.prompt_tokens += prompt
            self.usage.completion_tokens += completion
            self.usage.cost_usd += (prompt * price_in + completion * price_out) / 1_000_000

    def _failed(self, outcome: str, attempt: int) -> tuple[None, float]:
        self._count(outcome)
        return None, self._backoff(attempt)

    def _count(self, outcome: str) -> None:
        with self._lock:
            self.usage.count(outcome)

    def _backoff(self, attempt: int) -> float:
        """0.5 s, 1 s, 2 s ... capped at 8 s, each cut by a random share of up to a half."""
        with self._lock:
            share = self._jitter.random()
        return min(8.0, 0.5 * 2**attempt) * (1 - 0.5 * share)


def request_body(model: str, text: str) -> dict[str, Any]:
    """A chat-completions request for one ticket: short, deterministic, JSON answer."""
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": text},
        ],
        "max_tokens": MAX_TOKENS,
        "temperature": 0,
    }


def parse_answer(content: object, model: str) -> Answer | None:
    """The queue and urgency in a JSON answer; None when it is not one we can use."""
    if not isinstance(content, str):
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    queue = str(data.get("queue", "")).strip().lower()
    urgency = str(data.get("urgency", "")).strip().lower()
    if queue not in QUEUES:
        return None
    return Answer(queue, urgency if urgency in URGENCY else None, model)


def retry_after(response: httpx.Response) -> float | None:
    """The seconds a `Retry-After` header asks for (a number; dates are not used here)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
