"""The model API through the openai SDK, with our own retry policy (tenacity) instead of the
SDK's: five attempts, exponential backoff from 0.2 s, a 10 s timeout on every call."""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache

import openai
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from queue_router import QUEUES, URGENCY

log = logging.getLogger(__name__)

SYSTEM = ("You are the router of Hearth's helpdesk. Pick one queue: billing, technical, account, "
          "shipping, returns or sales, and an urgency: low, normal, high or urgent. "
          "Answer with a JSON object with the keys queue and urgency.")
MODELS = ("route-mini", "route-standard")


class UnusableAnswer(Exception):
    """A 200 answer we cannot read (cut short, not JSON, no known queue)."""


TRANSIENT = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
             openai.APIConnectionError, UnusableAnswer, json.JSONDecodeError)


def parse(content: str | None, finish_reason: str | None) -> tuple[str, str | None]:
    if finish_reason != "stop" or not content:
        raise UnusableAnswer(f"finish_reason={finish_reason}")
    try:
        data = json.loads(content)
    except ValueError as err:
        raise UnusableAnswer("not JSON") from err
    queue, urgency = str(data.get("queue", "")).lower(), str(data.get("urgency", "")).lower()
    if queue not in QUEUES:
        raise UnusableAnswer(f"unknown queue {queue!r}")
    return queue, urgency if urgency in URGENCY else None


class Llm:
    def __init__(self, client: openai.OpenAI | None = None) -> None:
        if client is None and os.environ.get("OPENAI_BASE_URL"):
            client = openai.OpenAI(timeout=10.0, max_retries=0)
        self.client = client
        self.models = list(MODELS)
        self.ask = lru_cache(maxsize=4096)(self._ask)

    def _ask(self, text: str) -> tuple[str, str | None] | None:
        while self.client is not None and self.models:
            try:
                return self._complete(self.models[0], text)
            except openai.NotFoundError:
                log.warning("%s is gone, trying the next model", self.models.pop(0))
            except (*TRANSIENT, openai.APIError) as err:
                log.warning("model API failed: %s", err)
                return None
        return None

    @retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.2, max=4),
           retry=retry_if_exception_type(TRANSIENT), reraise=True)
    def _complete(self, model: str, text: str) -> tuple[str, str | None]:
        assert self.client is not None
        response = self.client.chat.completions.create(
            model=model, max_tokens=30, temperature=0,
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}],
        )
        choice = response.choices[0]
        return parse(choice.message.content, choice.finish_reason)
