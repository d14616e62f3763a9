"""Real HTTP clients of the model API, in the styles submissions write them.

One client, its habits set by a `Style`: the careful one (bounded retries with exponential
backoff and jitter, Retry-After honoured, a timeout, a cache of identical prompts, personal
data redacted, the cheap model first and another when it goes away, one request at a time)
and hostile ones that each differ from it in one habit, so that each should be caught by
exactly the fact about that habit. Standard library only (urllib), as a submission might.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

SYSTEM = "Route the support ticket to a queue and an urgency. Answer in JSON."
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
LONG_NUMBER = re.compile(r"\d(?:[ \-]?\d){7,}")
STORM_CAP = 5000
"""A storm client retries "forever"; this keeps a test finite (it is never reached in 2 s)."""


@dataclass(frozen=True)
class Style:
    """The habits of one client."""

    timeout_s: float | None = 1.0
    honour_retry_after: bool = True
    backoff_s: float | None = 0.2
    """Base of the exponential backoff (with jitter); None: retry at once."""
    fixed_pause_s: float | None = None
    """A fixed pause between attempts instead of backoff and Retry-After."""
    max_attempts: int = 5
    cache: bool = True
    redact: bool = True
    model: str = "route-mini"
    fallback: str = "route-standard"
    threads: int = 1


CAREFUL = Style()
STYLES = {
    "careful": CAREFUL,
    "retry_storm": dataclasses.replace(
        CAREFUL, honour_retry_after=False, backoff_s=None, max_attempts=STORM_CAP
    ),
    "no_timeout": dataclasses.replace(CAREFUL, timeout_s=None),
    "ignores_retry_after": dataclasses.replace(
        CAREFUL, honour_retry_after=False, fixed_pause_s=0.3
    ),
    "sends_personal_data": dataclasses.replace(CAREFUL, redact=False),
    "no_cache": dataclasses.replace(CAREFUL, cache=False),
    "large_model_only": dataclasses.replace(CAREFUL, model="route-large"),
    "too_parallel": dataclasses.replace(CAREFUL, threads=6),
}


@dataclass(frozen=True)
class Outcome:
    """One HTTP exchange as the client saw it."""

    status: int | None
    retry_after: float | None = None
    answer: dict[str, Any] | None = None


class Client:
    """Routes tickets through the model API with the habits of its style."""

    def __init__(self, base_url: str, key: str, style: Style) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.style = style
        self.cache: dict[str, dict[str, Any]] = {}
        self.gone: set[str] = set()
        self.pending: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        self.random = random.Random(7)

    def route_all(self, tickets: Sequence[str]) -> list[dict[str, Any] | None]:
        """Every ticket's answer (None: the client gave up on it and fell back)."""
        with ThreadPoolExecutor(max_workers=self.style.threads) as pool:
            return list(pool.map(self.route, tickets))

    def route(self, ticket: str) -> dict[str, Any] | None:
        prompt = redact(ticket) if self.style.redact else ticket
        if not self.style.cache:
            return self.ask(prompt)
        with self.lock:
            if prompt in self.cache:
                return self.cache[prompt]
            waiting = self.pending.get(prompt)
            if waiting is None:
                self.pending[prompt] = threading.Event()
        if waiting is not None:  # the same prompt is on its way: wait for it, do not pay twice
            waiting.wait()
            return self.cache.get(prompt)
        try:
            answer = self.ask(prompt)
            with self.lock:
                if answer is not None:
                    self.cache[prompt] = answer
            return answer
        finally:
            with self.lock:
                self.pending.pop(prompt).set()

    def ask(self, prompt: str) -> dict[str, Any] | None:
        """Bounded attempts; on 404 the fallback model; None when the attempts ran out."""
        for attempt in range(self.style.max_attempts):
            model = self._model()
            outcome = self.call(model, prompt)
            if outcome.answer is not None:
                return outcome.answer
            if outcome.status == 404:
                with self.lock:
                    self.gone.add(model)
                continue
            time.sleep(self._pause(attempt, outcome.retry_after))
        return None

    def call(self, model: str, prompt: str) -> Outcome:
        """One request; every failure is an outcome, never an exception."""
        body = {"model": model, "max_tokens": 50,
                "messages": [{"role": "system", "content": SYSTEM},
                             {"role": "user", "content": prompt}]}  # fmt: skip
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.style.timeout_s) as response:
                return _read_answer(response.status, response.read())
        except urllib.error.HTTPError as err:
            retry_after = err.headers.get("Retry-After")
            err.read()
            return Outcome(err.code, float(retry_after) if retry_after else None)
        except (OSError, http.client.HTTPException):  # timeouts, resets, refused
            return Outcome(None)

    def _model(self) -> str:
        with self.lock:
            return self.style.model if self.style.model not in self.gone else self.style.fallback

    def _pause(self, attempt: int, retry_after: float | None) -> float:
        style = self.style
        if style.fixed_pause_s is not None:
            return style.fixed_pause_s
        if style.backoff_s is None:
            return 0.0
        with self.lock:
            jitter = 0.5 + self.random.random()
        pause: float = style.backoff_s * 2**attempt * jitter
        if style.honour_retry_after and retry_after:
            pause = max(pause, retry_after)
        return pause


def _read_answer(status: int, raw: bytes) -> Outcome:
    """A usable answer: valid JSON, finished, its content a JSON object."""
    try:
        payload = json.loads(raw)
        choice = payload["choices"][0]
        if choice["finish_reason"] != "stop":
            return Outcome(status)
        answer = json.loads(choice["message"]["content"])
    except (ValueError, KeyError, IndexError, TypeError):
        return Outcome(status)
    return Outcome(status, answer=answer if isinstance(answer, dict) else None)


def redact(text: str) -> str:
    """Emails and long numbers (cards, phones) out before anything leaves."""
    return LONG_NUMBER.sub("[number]", EMAIL.sub("[email]", text))
