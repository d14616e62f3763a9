"""Shared fixtures: a small labelled ticket set, a router fitted on it, and a scripted model
API (a real HTTP server on 127.0.0.1, answering from a script, recording every request)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pandas as pd
import pytest

from router.model import Router, fit_router

PHRASES = {
    1: ["I was charged twice this month", "my invoice shows the wrong amount",
        "please stop the direct debit", "the payment for my plan failed"],
    2: ["the camera keeps going offline", "the app crashes when I open it",
        "firmware update failed and it will not boot", "no motion alerts any more"],
    3: ["I cannot log in, password reset never arrives", "please delete my account",
        "two-factor codes are rejected", "my account is locked"],
    4: ["my parcel has not arrived", "tracking has not moved for days",
        "the courier delivered to the wrong address", "the box arrived crushed"],
    5: ["I want to return the doorbell", "send me a return label please",
        "still no refund for my return", "it broke, I want a warranty replacement"],
    6: ["can we get a quote for 40 thermostats", "is there a student discount",
        "what is the difference between the plans", "I want to upgrade my plan"],
}  # fmt: skip
URGENCY = ["low", "normal", "high", "urgent"]


def ticket_frame(repeats: int = 3) -> pd.DataFrame:
    rows = []
    for queue, phrases in PHRASES.items():
        for n in range(repeats):
            for i, phrase in enumerate(phrases):
                rows.append({
                    "ticket_id": f"t-{queue}-{n}-{i}",
                    "subject": phrase.split(",")[0][:30],
                    "body": f"Hello,\n\n{phrase}. Order HX-{10000 + n}.\n\nThanks,\nAna Silva",
                    "channel": ["email", "Web", "chat"][n % 3],
                    "customer_tier": ["free", "Premium", "B2B"][i % 3],
                    "product": "Hearth Hub",
                    "created_at": "2025-03-01T10:00:00Z",
                    "queue": queue,
                    "urgency": URGENCY[(i + n) % 4],
                })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def tickets() -> pd.DataFrame:
    return ticket_frame()


@pytest.fixture(scope="session")
def router(tickets: pd.DataFrame) -> Router:
    return fit_router(tickets)


Script = Callable[[int, dict[str, Any]], tuple[int, dict[str, str], bytes, float]]
"""(request number, request body) -> (status, headers, body, seconds to wait first)."""


@dataclass
class FakeApi:
    """A chat-completions endpoint on 127.0.0.1 that answers from `script`."""

    script: Script
    requests: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def completion(queue: str = "billing", urgency: str = "normal", finish: str = "stop") -> bytes:
    content = json.dumps({"queue": queue, "urgency": urgency})
    return json.dumps({
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "route-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 11, "total_tokens": 111},
    }).encode()  # fmt: skip


@pytest.fixture
def fake_api() -> Iterator[Callable[[Script], FakeApi]]:
    servers: list[ThreadingHTTPServer] = []

    def start(script: Script) -> FakeApi:
        api = FakeApi(script)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.requests.append((time.monotonic(), body))
                status, headers, payload, delay = api.script(len(api.requests), body)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        api.server = server
        servers.append(server)
        return api

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


OK_BODY = completion("billing", "high")
