"""Asking the model API about a ticket with the openai SDK.

The SDK's own retry loop is used, told how patient to be: a 5 s timeout per call and three
retries (it waits what Retry-After asks, else an exponential backoff with jitter). On top:
- a cool-down: when a 429 still comes back after the retries, no call until its Retry-After;
- an answer cut short or not JSON is asked once more, a second later;
- a model answering 404 is dropped for the next one (route-mini, then route-standard);
- answers cached by prompt.
`ask` returns None when the API cannot answer; the caller falls back to the local model.
"""

import json
import logging
import os
import time

import openai

QUEUES = ["billing", "technical", "account", "shipping", "returns", "sales"]
LEVELS = {"low", "normal", "high", "urgent"}
SYSTEM = ("Route this Hearth support ticket. Queues: billing, technical, account, shipping, "
          "returns, sales. Urgency: low, normal, high, urgent. Answer as JSON: "
          '{"queue": "...", "urgency": "..."}')
log = logging.getLogger("llm_route")


class LlmRouter:
    def __init__(self, client=None, timeout=5.0, retries=3, sleep=time.sleep, clock=time.monotonic):
        if client is None and os.environ.get("OPENAI_API_KEY") and os.environ.get("OPENAI_BASE_URL"):
            client = openai.OpenAI(timeout=timeout, max_retries=retries)
        self.client = client
        self.models = ["route-mini", "route-standard"]
        self.cache = {}
        self.cool_until = 0.0
        self.sleep, self.clock = sleep, clock

    def ask(self, text):
        if self.client is None:
            return None
        if text in self.cache:
            return self.cache[text]
        for _ in range(2):
            answer, again = self._one_try(text)
            if answer is not None:
                self.cache[text] = answer
                return answer
            if not again:
                return None
            self.sleep(1.0)
        return None

    def _one_try(self, text):
        """(answer, worth another try)."""
        while self.models:
            if self.clock() < self.cool_until:
                return None, False
            try:
                reply = self.client.chat.completions.create(
                    model=self.models[0], max_tokens=30, temperature=0,
                    messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}])
            except openai.NotFoundError:
                log.warning("%s answered 404, moving on", self.models.pop(0))
                continue
            except openai.RateLimitError as err:
                wait = float(err.response.headers.get("retry-after") or 5)
                self.cool_until = self.clock() + wait
                return None, False
            except (openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError):
                return None, False
            except (openai.APIError, ValueError) as err:  # malformed body and the like
                log.warning("unusable answer: %s", err)
                return None, True
            return read(reply), True
        return None, False


def read(reply):
    choice = reply.choices[0]
    if choice.finish_reason != "stop":
        return None
    try:
        data = json.loads(choice.message.content or "")
    except ValueError:
        return None
    queue = str(data.get("queue", "")).lower()
    if queue not in QUEUES:
        return None
    urgency = str(data.get("urgency", "")).lower()
    return QUEUES.index(queue) + 1, urgency if urgency in LEVELS else None
