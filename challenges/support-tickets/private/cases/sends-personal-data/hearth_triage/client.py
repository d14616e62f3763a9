"""An asyncio client for the model API with every failure policy spelled out.

- a connect and a read timeout on every call;
- at most `attempts` tries per ticket: Retry-After obeyed (for every worker: nobody calls
  before the time the API named), else exponential backoff with jitter;
- a model answering 404 is dropped for the next one;
- requests spaced and bounded in flight to stay under the announced limits;
- a circuit breaker after a run of failed tickets;
- identical prompts asked once (a cache, and concurrent duplicates share one call).
`classify` returns None whenever the API cannot give an answer; it never raises for that.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass

import httpx

from hearth_triage import QUEUES, URGENCY_LEVELS
from hearth_triage.prompt import messages
from hearth_triage.settings import ApiConfig

log = logging.getLogger(__name__)
RETRYABLE = {408, 409, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Verdict:
    queue: str
    urgency: str | None
    model: str


class _Retry(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.wait_s = reason, wait_s


def read_verdict(payload: dict, model: str) -> Verdict:
    choice = payload["choices"][0]
    if choice.get("finish_reason") != "stop":
        raise _Retry("cut short")
    data = json.loads(choice["message"]["content"])
    queue, urgency = str(data.get("queue", "")).lower(), str(data.get("urgency", "")).lower()
    if queue not in QUEUES:
        raise _Retry("unknown queue")
    return Verdict(queue, urgency if urgency in URGENCY_LEVELS else None, model)


class TriageClient:
    def __init__(self, config: ApiConfig, transport: httpx.AsyncBaseTransport | None = None,
                 sleep=asyncio.sleep, clock=time.monotonic) -> None:
        timeout = httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s)
        self.http = httpx.AsyncClient(base_url=config.base_url, timeout=timeout, transport=transport,
                                      headers={"Authorization": f"Bearer {config.api_key}"})
        self.config, self.sleep, self.clock = config, sleep, clock
        self.live_models = list(config.models)
        self.slots = asyncio.Semaphore(config.max_in_flight)
        self.cache: dict[str, Verdict] = {}
        self.pending: dict[str, asyncio.Future] = {}
        self.resume_at = 0.0      # no request before this (Retry-After, spacing)
        self.failed_in_a_row = 0
        self.breaker_until = 0.0
        self.stats: Counter[str] = Counter()
        self.tokens = Counter()

    async def classify(self, prompt: str) -> Verdict | None:
        key = hashlib.sha256(prompt.encode()).hexdigest()
        if key in self.cache:
            self.stats["cache_hit"] += 1
            return self.cache[key]
        if key in self.pending:
            shared = self.pending[key]
            try:
                return await asyncio.shield(shared)
            except asyncio.CancelledError:
                if shared.cancelled():  # the first caller gave up: so do we
                    return None
                raise
        future = asyncio.get_running_loop().create_future()
        self.pending[key] = future
        try:
            verdict = await self._classify(prompt)
        except BaseException:
            future.cancel()
            raise
        finally:
            self.pending.pop(key, None)
        future.set_result(verdict)
        if verdict is not None:
            self.cache[key] = verdict
        return verdict

    async def _classify(self, prompt: str) -> Verdict | None:
        if self.clock() < self.breaker_until or not self.live_models:
            self.stats["skipped_breaker"] += 1
            return None
        verdict = await self._with_retries(prompt)
        if verdict is None:
            self.failed_in_a_row += 1
            if self.failed_in_a_row >= self.config.breaker_after:
                self.breaker_until = self.clock() + self.config.breaker_open_s
                self.failed_in_a_row = 0
                log.warning("breaker open for %.0f s", self.config.breaker_open_s)
        else:
            self.failed_in_a_row = 0
        return verdict

    async def _with_retries(self, prompt: str) -> Verdict | None:
        attempt = 0
        while attempt < self.config.attempts and self.live_models:
            try:
                return await self._call(prompt)
            except _Retry as retry:
                self.stats[retry.reason] += 1
                attempt += 1
                if retry.reason == "gone":
                    attempt -= 1  # not the ticket's fault: same attempt on the next model
                    continue
                wait = retry.wait_s if retry.wait_s is not None else self._backoff(attempt)
                if wait > self.config.longest_wait_s:
                    return None
                self.resume_at = max(self.resume_at, self.clock() + wait)
        return None

    def _backoff(self, attempt: int) -> float:
        return min(4.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.75, 1.0)

    async def _wait_turn(self) -> None:
        while True:
            delay = self.resume_at - self.clock()
            if delay <= 0:
                self.resume_at = self.clock() + self.config.min_spacing_s
                return
            await self.sleep(delay)

    async def _call(self, prompt: str) -> Verdict:
        async with self.slots:
            await self._wait_turn()
            if not self.live_models:
                raise _Retry("gone")
            model = self.live_models[0]  # chosen at the last moment: another call may have seen a 404
            body = {"model": model, "messages": messages(prompt), "max_tokens": 24, "temperature": 0}
            try:
                response = await self.http.post("/chat/completions", json=body)
            except httpx.TimeoutException as err:
                raise _Retry("timeout") from err
            except httpx.TransportError as err:
                raise _Retry("connection") from err
        if response.status_code == 404:
            if model in self.live_models:
                self.live_models.remove(model)
                log.warning("%s answered 404; %s left", model, self.live_models)
            raise _Retry("gone")
        if response.status_code in RETRYABLE:
            raise _Retry(f"http_{response.status_code}", _retry_after(response))
        if response.status_code != 200:
            self.live_models.clear()  # a wrong key or a refused request: stop calling
            raise _Retry(f"refused_{response.status_code}")
        try:
            payload = response.json()
            self.tokens.update({model: payload.get("usage", {}).get("total_tokens", 0)})
            return read_verdict(payload, model)
        except (ValueError, KeyError, IndexError, TypeError) as err:
            raise _Retry("unreadable") from err

    async def close(self) -> None:
        await self.http.aclose()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
