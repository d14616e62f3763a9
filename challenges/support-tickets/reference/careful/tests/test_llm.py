"""The model API client against a real HTTP server that fails on purpose: every policy of the
client is checked on the requests the server received, not on what the client says."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from router.llm import ApiSettings, ModelClient, parse_answer
from tests.conftest import FakeApi, Script, completion

OK = (200, {"Content-Type": "application/json"}, completion("shipping", "high"), 0.0)


def client_for(api: FakeApi, **settings: float | int | tuple[str, ...]) -> ModelClient:
    defaults = {"timeout_s": 1.0, "min_interval_s": 0.0, "max_wait_s": 5.0}
    return ModelClient(ApiSettings(api.base_url, "test-key", **{**defaults, **settings}))


Reply = tuple[int, dict[str, str], bytes, float]


def error(status: int, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": {"message": "no", "type": "x", "code": None}}).encode()
    return status, headers or {}, body, 0.0


def test_an_answer_is_read_and_costed(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: OK)
    client = client_for(api)
    answer = client.classify("my parcel has not arrived")
    assert answer is not None and (answer.queue, answer.urgency) == ("shipping", "high")
    assert api.requests[0][1]["model"] == "route-mini"
    assert api.requests[0][1]["max_tokens"] == 40
    assert client.usage.cost_usd == pytest.approx((100 * 0.15 + 11 * 0.60) / 1e6)


def test_retry_after_is_honoured(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: error(429, {"Retry-After": "1"}) if n == 1 else OK)
    assert client_for(api).classify("hello") is not None
    (first, _), (second, _) = api.requests
    assert second - first >= 1.0


def test_retries_are_bounded_and_back_off(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: error(500))
    client = client_for(api, max_attempts=3)
    assert client.classify("hello") is None
    times = [t for t, _ in api.requests]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.25 and times[2] - times[1] >= 0.5  # 0.5 s, 1 s, jittered


def test_a_stalled_call_is_abandoned_at_the_timeout(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: (*OK[:3], 5.0))
    client = client_for(api, timeout_s=0.3, max_attempts=1)
    started = time.monotonic()
    assert client.classify("hello") is None
    assert time.monotonic() - started < 1.5
    assert client.usage.outcomes == {"timeout": 1}


def test_a_gone_model_is_replaced_by_the_next(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: error(404) if body["model"] == "route-mini" else OK)
    client = client_for(api, models=("route-mini", "route-standard"))
    assert client.classify("one") is not None and client.classify("two") is not None
    assert [body["model"] for _, body in api.requests] == [
        "route-mini",
        "route-standard",
        "route-standard",
    ]


def test_malformed_and_cut_answers_are_retried(fake_api: Callable[[Script], FakeApi]) -> None:
    broken = (200, {}, b'{"id": "chatcmpl', 0.0)
    cut = (200, {}, completion(finish="length"), 0.0)
    api = fake_api(lambda n, body: {1: broken, 2: cut}.get(n, OK))
    assert client_for(api).classify("hello") is not None
    assert len(api.requests) == 3


def test_identical_prompts_are_paid_for_once(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: OK)
    client = client_for(api)
    assert client.classify("same words") == client.classify("same words")
    assert len(api.requests) == 1 and client.usage.cache_hits == 1


def test_the_breaker_stops_calls_to_a_failing_api(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: error(503))
    client = client_for(api, max_attempts=1, breaker_failures=3, breaker_pause_s=60.0)
    for n in range(6):
        assert client.classify(f"ticket {n}") is None
    assert len(api.requests) == 3


def test_spending_stops_at_the_budget(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: OK)
    client = client_for(api, budget_usd=1e-9)
    client.classify("first")
    assert client.classify("second") is None
    assert len(api.requests) == 1


def test_a_wrong_key_disables_the_api(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: error(401))
    client = client_for(api)
    assert client.classify("one") is None and client.classify("two") is None
    assert len(api.requests) == 1


def test_no_call_that_cannot_end_before_the_deadline(fake_api: Callable[[Script], FakeApi]) -> None:
    api = fake_api(lambda n, body: OK)
    assert client_for(api).classify("late", deadline=time.monotonic() + 0.5) is None
    assert api.requests == []


@pytest.mark.parametrize("content", ['{"queue": "lunch"}', "queue: billing", "[]", None])
def test_answers_we_cannot_use_are_none(content: object) -> None:
    assert parse_answer(content, "route-mini") is None
