"""The model API server over real HTTP: its shapes, its determinism, each fault, its limits and
its log. Each test starts the real server (a subprocess on a free port) with the config it
is about and reads back the log the server wrote."""

from __future__ import annotations

import contextlib
import json
import math
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.model_api import server
from harness.model_api.requestlog import RequestLog
from harness.model_api.sidecar import ProcessSidecar
from tests.model_api.kit import KEY, api_config, call, chat_body

SERVER = Path(server.__file__)
EXACT = {name: {**spec, "error_rate": 0.0} for name, spec in server.PUBLIC_MODELS.items()}


def serve(**changes: Any) -> ProcessSidecar:
    return ProcessSidecar(api_config(**changes))


@pytest.fixture
def api() -> Iterator[ProcessSidecar]:
    with serve(models=EXACT) as running:
        yield running


def chat(api: ProcessSidecar, text: str, **extra: Any) -> Any:
    return call(api.access.base_url, "/chat/completions", chat_body(text, **extra))


def logged(api: ProcessSidecar) -> RequestLog:
    served = api.stop()
    assert served.log.problems == ()
    return served.log


def test_models_list_and_the_openai_error_shape_without_a_key(api: ProcessSidecar) -> None:
    listed = call(api.access.base_url, "/models")
    assert listed.status == 200
    assert [m["id"] for m in listed.json()["data"]] == [
        "route-mini",
        "route-standard",
        "route-large",
    ]
    for key in (None, "wrong-key"):
        refused = call(api.access.base_url, "/models", key=key)
        assert refused.status == 401
        error = refused.json()["error"]
        assert error["code"] == "invalid_api_key"
        assert set(error) == {"message", "type", "param", "code"}
    log = logged(api)
    assert [r.status for r in log.requests] == [200, 401, 401]


def test_an_answer_has_the_chat_completion_shape_and_the_documented_usage(
    api: ProcessSidecar,
) -> None:
    ticket = "I was charged twice, please refund my invoice, this is urgent"
    answer = chat(api, ticket)
    assert answer.status == 200
    body = answer.json()
    assert body["object"] == "chat.completion"
    assert body["created"] == server.CREATED
    assert body["id"].startswith("chatcmpl-")
    content = body["choices"][0]["message"]["content"]
    assert json.loads(content) == {"queue": "billing", "urgency": "urgent"}
    assert body["choices"][0]["finish_reason"] == "stop"
    texts = ["Answer in JSON.", ticket]
    prompt = sum(math.ceil(len(t.encode()) / 4) + 4 for t in texts) + 3
    completion = math.ceil(len(content.encode()) / 4)
    assert body["usage"] == {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def test_the_same_prompt_gets_the_same_bytes_and_other_models_or_prompts_may_not() -> None:
    with serve() as api:  # the real error rates: answers depend on the model and prompt
        tickets = [f"ticket {i}: my package tracking shows an error" for i in range(30)]
        first = [chat(api, t).raw for t in tickets]
        again = [chat(api, t).raw for t in tickets]
        large = [chat(api, t, model="route-large").json() for t in tickets]
    assert first == again
    mini = [json.loads(json.loads(raw)["choices"][0]["message"]["content"]) for raw in first]
    contents = [json.loads(b["choices"][0]["message"]["content"]) for b in large]
    assert mini != contents  # route-mini errs more often than route-large on the same prompts
    right = {"queue": "shipping", "urgency": "normal"}
    assert sum(c == right for c in contents) > sum(c == right for c in mini)


def test_the_answer_reads_the_ticket_in_the_prompt_not_the_label_list() -> None:
    lexicon = {
        "queues": {"billing": {"billing": 3, "refund": 1}, "shipping": {"package": 1}},
        "urgency": {"high": {"today": 1}},
        "default_queue": "shipping",
        "default_urgency": "normal",
    }
    with serve(models=EXACT, lexicon=lexicon) as api:
        listed = chat(api, "Queues: billing, shipping. Ticket: my package is lost")
        named = chat(api, "the billing page, and my package is lost")
        empty = chat(api, "Please classify the ticket.")  # the ticket is not in the prompt
        text = call(
            api.access.base_url,
            "/chat/completions",
            {"model": "route-mini", "messages": [{"role": "user", "content": "refund today"}]},
        )
    # the names of all the labels, listed, do not count; a label's name in a ticket does
    assert content(listed) == {"queue": "shipping", "urgency": "normal"}
    assert content(named)["queue"] == "billing"
    assert content(empty) == {"queue": "shipping", "urgency": "normal"}
    assert text.json()["choices"][0]["message"]["content"] == "queue: billing\nurgency: high"


def content(answer: Any) -> Any:
    return json.loads(answer.json()["choices"][0]["message"]["content"])


def test_max_tokens_truncates_with_finish_reason_length(api: ProcessSidecar) -> None:
    body = chat(api, "refund my invoice", max_tokens=3).json()
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 3
    assert len(body["choices"][0]["message"]["content"].encode()) == 12


def test_bad_requests_get_clear_4xx_in_the_openai_shape(api: ProcessSidecar) -> None:
    url = api.access.base_url
    unknown = chat(api, "hello", model="gpt-4o")
    assert unknown.status == 404
    assert unknown.json()["error"]["code"] == "model_not_found"
    streaming = chat(api, "hello", stream=True)
    assert streaming.status == 400
    assert "stream" in streaming.json()["error"]["message"]
    assert call(url, "/chat/completions", raw=b"{not json").status == 400
    assert call(url, "/chat/completions", {"model": "route-mini"}).status == 400
    assert call(url, "/completions", chat_body("hello")).status == 404
    log = logged(api)
    assert [r.status for r in log.requests] == [404, 400, 400, 400, 404]
    assert [r.index for r in log.requests] == [None] * 5  # refused before the line


def test_a_rate_limit_burst_answers_429_with_retry_after_until_it_ends() -> None:
    with serve(faults=[{"kind": "rate_limit", "from_request": 1, "for_s": 1.0}]) as api:
        assert chat(api, "one").status == 200
        limited = chat(api, "two")
        assert limited.status == 429
        assert limited.headers["retry-after"] == "1"
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        time.sleep(1.05)
        assert chat(api, "two").status == 200
        log = logged(api)
    assert [(r.status, r.fault, r.retry_after) for r in log.chat] == [
        (200, None, None),
        (429, "rate_limit", 1.0),
        (200, None, None),
    ]


def test_server_errors_500_and_503_then_answers_again() -> None:
    faults = [
        {"kind": "server_error", "status": 500, "from_request": 0, "requests": 1},
        {"kind": "server_error", "status": 503, "from_request": 1, "requests": 1, "retry_after": 2},
    ]
    with serve(faults=faults) as api:
        first, second, third = (chat(api, "hello") for _ in range(3))
    assert (first.status, second.status, third.status) == (500, 503, 200)
    assert first.json()["error"]["type"] == "server_error"
    assert "retry-after" not in first.headers
    assert second.headers["retry-after"] == "2"


def test_a_stall_abandoned_by_the_client_is_logged_when_it_hung_up() -> None:
    with serve(faults=[{"kind": "stall", "from_request": 0, "requests": 1}]) as api:
        with pytest.raises(TimeoutError):
            chat_with_timeout(api, 0.5)
        assert chat(api, "hello").status == 200
        log = logged(api)
    stalled, after = log.chat
    assert stalled.fault == "stall" and stalled.client_disconnected and stalled.status is None
    assert 0.45 <= stalled.held_s <= 1.0
    assert not after.client_disconnected and after.status == 200


def test_a_client_that_never_hangs_up_is_held_until_the_stall_limit() -> None:
    faults = [{"kind": "stall", "from_request": 0, "requests": 1}]
    with serve(faults=faults, stall_limit_s=1.0) as api:
        assert chat(api, "hello").status == 200  # answered at last
        log = logged(api)
    (held,) = log.chat
    assert held.fault == "stall" and not held.client_disconnected
    assert 1.0 <= held.held_s <= 1.5


def chat_with_timeout(api: ProcessSidecar, timeout: float) -> None:
    """A raw socket client with a read timeout: urllib wraps its timeout inconsistently."""
    body = json.dumps(chat_body("hello")).encode()
    port = int(api.access.base_url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {KEY}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        conn.recv(1)


def test_malformed_and_truncated_answers() -> None:
    faults = [
        {"kind": "malformed", "from_request": 0, "requests": 1},
        {"kind": "truncated", "from_request": 1, "requests": 1},
    ]
    with serve(faults=faults) as api:
        broken, cut = chat(api, "refund"), chat(api, "refund")
    assert broken.status == 200
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    assert cut.json()["choices"][0]["finish_reason"] == "length"
    assert cut.json()["usage"]["completion_tokens"] == server.TRUNCATED_FAULT_TOKENS


def test_a_model_that_goes_away_answers_404_and_leaves_the_list() -> None:
    faults = [{"kind": "model_gone", "model": "*", "from_request": 1}]
    with serve(faults=faults) as api:
        assert chat(api, "one").status == 200
        gone = chat(api, "two")
        assert gone.status == 404 and gone.json()["error"]["code"] == "model_not_found"
        assert chat(api, "three").status == 404  # from then on
        assert chat(api, "three", model="route-standard").status == 200
        listed = [m["id"] for m in call(api.access.base_url, "/models").json()["data"]]
    assert listed == ["route-standard", "route-large"]


def test_a_window_by_time_begins_that_long_after_the_first_request() -> None:
    with serve(faults=[{"kind": "server_error", "from_s": 0.6, "requests": 1}]) as api:
        assert chat(api, "one").status == 200
        assert chat(api, "two").status == 200
        time.sleep(0.7)
        assert chat(api, "three").status == 500


def test_past_the_concurrency_limit_a_request_gets_429() -> None:
    slow = {name: {**spec, "latency_s": 0.6} for name, spec in EXACT.items()}
    with serve(models=slow, latency_factor=1.0, rate_limit={"max_concurrent": 1}) as api:
        results: list[int] = []
        first = threading.Thread(target=lambda: results.append(chat(api, "first").status))
        first.start()
        time.sleep(0.2)
        second = chat(api, "second")
        first.join()
        log = logged(api)
    assert results == [200]
    assert second.status == 429 and second.headers["retry-after"] == "1"
    refused = [r for r in log.chat if r.status == 429]
    assert [(r.limit, r.concurrent) for r in refused] == [("concurrency", 1)]


def test_past_the_requests_per_minute_a_request_gets_429_until_the_minute_frees() -> None:
    with serve(rate_limit={"requests_per_minute": 3}) as api:
        statuses = [chat(api, f"ticket {i}") for i in range(4)]
        log = logged(api)
    assert [a.status for a in statuses] == [200, 200, 200, 429]
    assert 55 <= int(statuses[3].headers["retry-after"]) <= 60
    assert log.chat[-1].limit == "requests_per_minute"


def test_canaries_in_a_request_are_logged_whatever_their_case_or_separators(
    api: ProcessSidecar,
) -> None:
    chat(api, "Mail me at MARIA.Kowalski.4471@example.net")
    chat(api, "my card is 4929.6180.2467.3311 and 4929-6180-2467-3311")
    chat(api, "call (204)555-0100 or 204.555.0100")
    chat(api, "my card is [number], mail [email], call 555-0100")
    chat(api, "order 4929 6180 is late")  # part of a number is not the number
    log = logged(api)
    assert [r.canaries for r in log.chat] == [
        ("maria.kowalski.4471@example.net",),
        ("4929 6180 2467 3311",),
        ("(204) 555-0100",),
        (),
        (),
    ]


def test_every_request_is_one_flushed_line_with_the_interface_fields(api: ProcessSidecar) -> None:
    call(api.access.base_url, "/models", key=None)
    chat(api, "refund")
    path = api.log_path
    lines = path.read_text().splitlines()  # read while the server still runs: flushed
    assert len(lines) == 2
    record = json.loads(lines[1])
    for name in ("t_start", "t_end", "model", "prompt_sha256", "prompt_tokens",
                 "completion_tokens", "status", "fault", "retry_after", "client_disconnected",
                 "concurrent", "canaries"):  # fmt: skip
        assert name in record
    assert record["status"] == 200 and record["model"] == "route-mini"
    assert record["t_end"] >= record["t_start"] >= 0


def test_sigterm_while_a_request_is_held_logs_it_as_interrupted() -> None:
    with serve(faults=[{"kind": "stall", "from_request": 0, "requests": 1}]) as api:
        waiting = threading.Thread(target=lambda: _quietly(lambda: chat(api, "hello")))
        waiting.start()
        time.sleep(0.5)
        served = api.stop()
        waiting.join(timeout=5)
    (held,) = served.log.chat
    assert served.exit_code == 0
    assert held.interrupted and held.status is None and held.fault == "stall"


def _quietly(action: Any) -> None:
    with contextlib.suppress(OSError):
        action()


def run_script(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SERVER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_stand_in_starts_with_one_command_and_prints_its_address_and_key() -> None:
    process = run_script("--port", "0", "--latency-factor", "0")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("model API stand-in listening on http://127.0.0.1:")
        assert line.rstrip().endswith("/v1 (key: standin-key)")
        url = line.split(" ")[5]
        answer = call(url, "/chat/completions", chat_body("refund please"), key="standin-key")
        assert answer.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_a_taken_port_or_a_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_script("--port", str(port))
        _, err = busy.communicate(timeout=10)
    assert busy.returncode == 2
    assert "--port 0" in err and len(err.strip().splitlines()) == 1
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({**api_config(), "faults": [{"kind": "meteor"}]}))
    broken = run_script("--config", str(bad), "--port", "0")
    _, err = broken.communicate(timeout=10)
    assert broken.returncode == 2
    assert "unknown kind 'meteor'" in err and len(err.strip().splitlines()) == 1


def test_the_stand_ins_demo_faults_are_the_fixed_public_schedule() -> None:
    process = run_script("--port", "0", "--latency-factor", "0", "--demo-faults")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" ")[5]
        statuses = [
            call(url, "/chat/completions", chat_body(f"ticket {i}"), key="standin-key").status
            for i in range(7)
        ]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    burst = next(w for w in server.DEMO_FAULTS if w["kind"] == "rate_limit")
    assert statuses == [200] * burst["from_request"] + [429] * (7 - burst["from_request"])
