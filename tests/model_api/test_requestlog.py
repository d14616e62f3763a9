"""The request log read back as untrusted data: capped, never following a link, each line on
its own; what cannot be read is a problem noted, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from harness.model_api.requestlog import (
    PROBLEMS_KEPT,
    TEXT_CAP,
    parse_request_log,
    read_request_log,
)
from harness.model_api.sidecar import ProcessSidecar
from tests.model_api.kit import api_config, call, chat_body


def test_a_real_log_with_garbage_appended_keeps_the_good_lines(tmp_path: Path) -> None:
    with ProcessSidecar(api_config()) as api:
        for text in ("one", "two", "three"):
            call(api.access.base_url, "/chat/completions", chat_body(text))
        served = api.stop()
        log_file = tmp_path / "requests.jsonl"
        log_file.write_bytes(
            api.log_path.read_bytes()
            + b"not json at all\n[1, 2]\n"
            + b'{"status": 200}\n'
            + b"\xff\xfe\n\n"
        )
    assert [r.status for r in served.log.chat] == [200, 200, 200]
    log = read_request_log(log_file)
    assert [r.line for r in log.requests] == [1, 2, 3]
    assert log.problems == (
        "line 4: not JSON",
        "line 5: not a JSON object",
        "line 6: no t_start",
        "line 7: not JSON",
    )
    assert all(r.billed and r.usable and r.prompt_tokens > 0 for r in log.requests)


def test_fields_of_the_wrong_type_are_coerced_not_trusted() -> None:
    line = {
        "t_start": 1.0, "t_end": float("1e300"), "method": "POST", "path": "/v1/chat/completions",
        "model": "m" * 10_000, "status": "200", "prompt_tokens": -5, "completion_tokens": True,
        "retry_after": -3, "canaries": "everything", "client_disconnected": "yes",
        "concurrent": 2.5,
    }  # fmt: skip
    (request,) = parse_request_log(json.dumps(line).encode()).requests
    assert request.status is None and not request.billed  # "200" is not a status
    assert request.model is not None and len(request.model) == TEXT_CAP
    assert (request.prompt_tokens, request.completion_tokens) == (0, 0)
    assert request.retry_after == 0.0 and request.canaries == ()
    assert request.client_disconnected is False and request.concurrent is None
    assert request.t_end == 1.0  # an absurd end is no end: it ended when it began


def test_a_log_over_the_cap_is_cut_at_a_line_and_says_so(tmp_path: Path) -> None:
    line = json.dumps({"t_start": 0.5, "method": "GET", "path": "/v1/models", "status": 200})
    path = tmp_path / "requests.jsonl"
    path.write_text((line + "\n") * 100)
    log = read_request_log(path, max_bytes=(len(line) + 1) * 10 + 5)
    assert log.truncated and len(log.requests) == 10 and log.problems == ()
    full = parse_request_log(f'{line}\n{{"event": "log_full", "t": 3.0}}\n'.encode())
    assert full.truncated and len(full.requests) == 1


def test_a_link_a_missing_file_or_many_bad_lines_are_problems(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text('{"t_start": 1}\n')
    link = tmp_path / "requests.jsonl"
    link.symlink_to(target)
    linked = read_request_log(link)
    assert linked.requests == () and "cannot be read" in linked.problems[0]
    missing = read_request_log(tmp_path / "none.jsonl")
    assert missing.problems == ("the model API wrote no request log",)
    noisy = parse_request_log(b"x\n" * 25)
    assert len(noisy.problems) == PROBLEMS_KEPT + 1
    assert noisy.problems[-1] == "... and 15 more lines"
