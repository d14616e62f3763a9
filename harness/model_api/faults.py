"""The fault schedule of one grading: which faults the model API injects, from which request,
for how long.

The schedule is drawn from a seed made with HMAC-SHA256 of the submission's SHA-256 under a
key of the challenge's seed and its private salt: two submissions meet different schedules,
the same zip meets the same one at every grading (scores are reproducible), and a candidate
cannot know it in advance (the salt is private, and the zip's hash is not known until the zip
is made). Every kind of fault is in every schedule, each at its own requests, so each
finding can be told apart in the log: two 429 bursts with Retry-After, a few 500s and 503s, a
stall, a malformed body, a truncated answer, in a shuffled order within the first few dozen
requests (a careful submission that sends only some tickets to the model still meets them),
and last the model the service is using going away (404 from then on). With the default
shape every fault has begun by about the 50th request; a service that sends fewer meets
fewer, and the analysis says "not met" rather than passing it.

The windows are the server's own format (`server.Window`): `from_request` is the index of the
chat request the window begins at; `requests` or `for_s` how long it lasts.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from typing import Any

SEED_BYTES = 8


@dataclass(frozen=True)
class ScheduleShape:
    """Where and how long the faults of a schedule fall (chat-request indexes, seconds)."""

    first_request: tuple[int, int] = (2, 6)
    """The first fault begins at a request drawn from this range."""
    gap: tuple[int, int] = (2, 5)
    """Requests between the end of one window and the beginning of the next."""
    burst_s: tuple[float, float] = (2.0, 4.0)
    """How long a 429 burst lasts; its Retry-After is the time left of it."""
    bursts: int = 2
    burst_requests_guess: int = 3
    """Requests a burst is assumed to take when placing the next window (a storm takes more:
    windows that then overlap wait their turn, the server applies one fault per request)."""


DEFAULT_SHAPE = ScheduleShape()


def schedule_seed(challenge_seed: int, submission_sha256: str, salt: str = "") -> int:
    """The seed of one submission's schedule (see the module's docstring for why HMAC)."""
    key = f"{challenge_seed}:{salt}".encode()
    digest = hmac.new(key, submission_sha256.lower().encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:SEED_BYTES], "big")


def fault_schedule(seed: int, shape: ScheduleShape = DEFAULT_SHAPE) -> list[dict[str, Any]]:
    """The windows of one schedule, in the order of their first request."""
    rng = random.Random(seed)
    windows = [_burst(rng, shape) for _ in range(shape.bursts)]
    windows += [
        {"kind": "server_error", "status": 500, "requests": rng.randint(1, 3)},
        {"kind": "server_error", "status": 503, "requests": rng.randint(1, 2), "retry_after": 1},
        {"kind": "stall", "requests": 1},
        {"kind": "malformed", "requests": rng.randint(1, 2)},
        {"kind": "truncated", "requests": rng.randint(1, 2)},
    ]
    rng.shuffle(windows)
    windows.append({"kind": "model_gone", "model": "*"})  # last: it lasts to the end
    at = rng.randint(*shape.first_request)
    for window in windows:
        window["from_request"] = at
        at += window.get("requests", shape.burst_requests_guess) + rng.randint(*shape.gap)
    return windows


def _burst(rng: random.Random, shape: ScheduleShape) -> dict[str, Any]:
    return {"kind": "rate_limit", "for_s": round(rng.uniform(*shape.burst_s), 1)}


def describe(window: dict[str, Any]) -> str:
    """One line for the report or a follow-up question: what the service met, and when."""
    start = f"from request {window.get('from_request', 0)}"
    kind = window.get("kind")
    if kind == "rate_limit":
        return f"a 429 burst {start} for {window.get('for_s')} s, with Retry-After"
    if kind == "server_error":
        return f"{window.get('requests')} x HTTP {window.get('status', 500)} {start}"
    if kind == "stall":
        return f"a stalled request {start} (no answer until the client hangs up)"
    if kind == "model_gone":
        return f"the model in use answering 404 model_not_found {start} on"
    return f"{window.get('requests')} x {kind} {start}"
