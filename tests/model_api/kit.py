"""What the model API tests share: tickets, canaries, a fast config, a schedule, and a plain
HTTP helper (urllib), so that each test says only what it is about."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from harness.model_api import config

KEY = "test-key-0123456789"
CANARIES = ["maria.kowalski.4471@example.net", "4929 6180 2467 3311", "(204) 555-0100"]
TICKETS = [
    "I was charged twice this month, please refund the second invoice",
    "The app shows an error and then a crash when I open the settings page",
    "I forgot my password and the login page keeps rejecting me",
    "Where is my package? The tracking number has not changed in a week",
    "Just a question about the information on your website, no rush",
    "Payment failed but my card was charged anyway, this is urgent",
    "I was charged twice this month, please refund the second invoice",  # a duplicate
    "There is a bug in the export: the file is broken every time",
    "Please refund card 4929-6180-2467-3311, I am blocked and need it today",
    "My delivery arrived damaged, the package was shipped without padding",
    "Can I change the username on my profile?",
    "Where is my package? The tracking number has not changed in a week",  # a duplicate
    "Outage: nothing is working, we need help immediately",
    "Write to maria.kowalski.4471@example.net about my refund please",
    "The price on the invoice is not what I was quoted",
    "Some feedback: the new design is nice, whenever you have time",
    "Login fails with an error since the update, cannot work today",
    "The app shows an error and then a crash when I open the settings page",  # a duplicate
    "Invoice 2231 has the wrong payment date",
    "My package was shipped to the old address, tracking says delivered",
    "Password reset email never arrives, I cannot log in",
    "Just wondering whether you offer a discount on the yearly price",
    "The dashboard is broken and slow, error 500 on every page",
    "Please close my profile, I no longer use the service",
    "Refund still not received after two weeks, I was charged in March",
    "The package tracking link returns an error",
    "Crash on startup after the last update, not working at all",
    "I was charged for a subscription I cancelled, refund asap",
    "Question: where can I find information about your data policy?",
    "Delivery is late again, the package should have arrived yesterday",
    "Bug report: the invoice PDF is broken",
    "Login page error on mobile, urgent, the whole team is blocked",
    "Change of payment method for the next invoice, no rush",
    "Package lost in delivery, tracking stopped at the depot",
    "Feedback about your support: very helpful, thank you",
    "Error when saving the profile, the username field crashes the app",
    "Where is my refund? I was charged twice, it is urgent",
    "Is there any information about the next price change?",
    "Broken link in the delivery confirmation email",
    "The app is not working since this morning, outage for all users",
]
FAULTS: list[dict[str, Any]] = [
    {"kind": "rate_limit", "from_request": 3, "for_s": 1.5},
    {"kind": "server_error", "status": 500, "from_request": 8, "requests": 2},
    {"kind": "server_error", "status": 503, "from_request": 12, "requests": 1, "retry_after": 1},
    {"kind": "stall", "from_request": 16, "requests": 1},
    {"kind": "malformed", "from_request": 20, "requests": 1},
    {"kind": "truncated", "from_request": 23, "requests": 1},
    {"kind": "model_gone", "model": "*", "from_request": 27},
]
STALL_LIMIT_S = 3.0
BUDGET = 0.10


def api_config(**changes: Any) -> dict[str, Any]:
    """The public config made fast (latencies x0.02, a 3 s stall limit) with a known key,
    the canaries, a budget and a concurrency limit of 2; `changes` replace keys."""
    base = config.public_config()
    base.update(
        key=KEY,
        latency_factor=0.02,
        stall_limit_s=STALL_LIMIT_S,
        rate_limit={"requests_per_minute": 100_000, "max_concurrent": 2},
        canaries=CANARIES,
        budget_usd_per_1000=BUDGET,
        faults=[],
    )
    base.update(changes)
    return base


def chat_body(text: str, model: str = "route-mini", **extra: Any) -> dict[str, Any]:
    messages = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": text}]
    return {"model": model, "messages": messages, **extra}


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, headers (lower-case names), the raw body."""

    status: int
    headers: dict[str, str]
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)


def call(
    base_url: str,
    path: str,
    body: Any = None,
    key: str | None = KEY,
    timeout: float | None = 10.0,
    raw: bytes | None = None,
) -> Answer:
    """GET (no body) or POST a JSON body to `base_url + path`; HTTP errors are answers."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(base_url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, _lower(response.headers), response.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, _lower(err.headers), err.read())


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}
