"""The openai SDK against the server, as a submission uses it with no code of its own for the
address (the environment variables) and its default retries (2, with backoff, honouring
Retry-After): what those defaults do under each fault is what the brief and the checks
account for, and the log shows it."""

from __future__ import annotations

import math
from typing import Any

import pytest

from harness.model_api import analysis
from harness.model_api.analysis import Terms
from harness.model_api.sidecar import ProcessSidecar
from tests.model_api.kit import STALL_LIMIT_S, api_config

openai = pytest.importorskip("openai")
MESSAGES = [{"role": "system", "content": "Answer in json."},
            {"role": "user", "content": "I was charged twice, refund the invoice"}]  # fmt: skip


def create(client: Any) -> Any:
    return client.chat.completions.create(model="route-mini", messages=MESSAGES)


def facts(api: ProcessSidecar, config: dict[str, Any]) -> dict[str, analysis.Fact]:
    served = api.stop()
    return analysis.analyse(served.log, 1, Terms.from_config(config))


def test_the_sdk_finds_the_api_from_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    with ProcessSidecar(api_config()) as api:
        for name, value in api.access.environment().items():
            monkeypatch.setenv(name, value)
        answer = create(openai.OpenAI())
        served = api.stop()
    assert answer.choices[0].finish_reason == "stop"
    assert (
        answer.usage.prompt_tokens
        == sum(math.ceil(len(m["content"].encode()) / 4) + 4 for m in MESSAGES) + 3
    )
    (logged,) = served.log.chat
    assert logged.user_agent.startswith("OpenAI/Python")
    assert logged.prompt_tokens == answer.usage.prompt_tokens


def test_the_sdks_default_retries_wait_out_a_429_burst_as_retry_after_says() -> None:
    config = api_config(faults=[{"kind": "rate_limit", "from_request": 0, "for_s": 1.5}])
    with ProcessSidecar(config) as api:
        client = openai.OpenAI(base_url=api.access.base_url, api_key=api.access.key)
        answer = create(client)
        found = facts(api, config)
    assert answer.choices[0].finish_reason == "stop"
    assert found["retry_after"].ok is True
    assert found["retry_after"].measured["retried"] == 1
    assert found["retries_bounded"].ok is True and found["retry_storm"].ok is True


def test_the_sdks_default_timeout_holds_a_stall_and_a_short_one_abandons_it() -> None:
    config = api_config(faults=[{"kind": "stall", "from_request": 0, "requests": 1}])
    with ProcessSidecar(config) as api:
        create(openai.OpenAI(base_url=api.access.base_url, api_key=api.access.key))
        default = facts(api, config)["stall_timeout"]
    with ProcessSidecar(config) as api:
        client = openai.OpenAI(base_url=api.access.base_url, api_key=api.access.key, timeout=0.5)
        create(client)  # abandoned at 0.5 s, retried, answered
        short = facts(api, config)["stall_timeout"]
    assert default.ok is False and float(default.measured["longest_held_s"] or 0) >= STALL_LIMIT_S
    assert short.ok is True and float(short.measured["longest_held_s"] or 9) < 1.0


@pytest.mark.parametrize("kind", ["malformed", "model_gone"])
def test_the_sdk_does_not_retry_a_malformed_body_or_a_404(kind: str) -> None:
    window = {"kind": kind, "from_request": 0, "requests": 1, "model": "*"}
    with ProcessSidecar(api_config(faults=[window])) as api:
        client = openai.OpenAI(base_url=api.access.base_url, api_key=api.access.key)
        with pytest.raises(Exception) as raised:
            create(client)
        served = api.stop()
    assert [(r.fault, r.status) for r in served.log.chat] == [
        (kind, 200 if kind == "malformed" else 404)
    ]
    assert kind != "model_gone" or isinstance(raised.value, openai.NotFoundError)
