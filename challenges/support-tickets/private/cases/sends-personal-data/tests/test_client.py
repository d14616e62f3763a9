import asyncio
import json

import httpx

from hearth_triage.client import TriageClient
from hearth_triage.settings import ApiConfig

GOOD = {"choices": [{"finish_reason": "stop",
                     "message": {"content": json.dumps({"queue": "returns", "urgency": "low"})}}],
        "usage": {"total_tokens": 80}}


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.slept.append(round(seconds, 2))
        self.now += seconds


def make_client(responses, clock):
    seen = []

    def handler(request):
        seen.append(json.loads(request.content)["model"])
        status, headers, body = responses.pop(0)
        return httpx.Response(status, headers=headers, json=body)

    config = ApiConfig("http://api.test/v1", "k", min_spacing_s=0.0)
    client = TriageClient(config, transport=httpx.MockTransport(handler), sleep=clock.sleep, clock=clock)
    return client, seen


def test_waits_for_retry_after_then_answers():
    clock = FakeClock()
    client, _ = make_client([(429, {"Retry-After": "3"}, {"error": {}}), (200, {}, GOOD)], clock)
    verdict = asyncio.run(client.classify("I want to return my doorbell"))
    assert verdict.queue == "returns"
    assert clock.slept == [3.0]


def test_gone_model_switches_to_the_next():
    clock = FakeClock()
    client, seen = make_client([(404, {}, {"error": {}}), (200, {}, GOOD)], clock)
    assert asyncio.run(client.classify("return please")).model == "route-standard"
    assert seen == ["route-mini", "route-standard"]


def test_gives_up_after_the_attempts_and_returns_none():
    clock = FakeClock()
    client, seen = make_client([(500, {}, {"error": {}})] * 4, clock)
    assert asyncio.run(client.classify("hub offline")) is None
    assert len(seen) == 4 and all(0.3 < s <= 4.0 for s in clock.slept)


def test_same_prompt_is_paid_once():
    clock = FakeClock()
    client, seen = make_client([(200, {}, GOOD)], clock)

    async def twice():
        return await asyncio.gather(client.classify("same"), client.classify("same"))

    first, second = asyncio.run(twice())
    assert first == second and len(seen) == 1
