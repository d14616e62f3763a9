"""What the analysis says must be what the log shows: a prompt that never got an answer is
not said to have succeeded, the limit a service went over is the one named, and the
service's own pacing is read from the stages whose pace is its own (in serve the probe
sends the same tickets again and again, which is not a retry of the service's)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

from harness.api_grading.run import ModelApiRun, StageWindow
from harness.checks.context import CheckContext
from harness.checks.model_api import api_facts
from harness.model_api import analysis
from harness.model_api.analysis import Terms
from harness.model_api.requestlog import RequestLog, parse_request_log
from tests.model_api.kit import api_config

TERMS = Terms.from_config(api_config())


def _line(index: int, t: float, prompt: str, status: int, **extra: Any) -> dict[str, Any]:
    return {"index": index, "t_start": t, "t_end": t + 0.01, "method": "POST",
            "path": "/v1/chat/completions", "model": "route-mini", "prompt_sha256": prompt * 64,
            "prompt_tokens": 40, "completion_tokens": 5 if status == 200 else 0,
            "status": status, "error_code": None, "fault": None, "limit": None,
            "retry_after": None, "finish_reason": "stop" if status == 200 else None,
            "client_disconnected": False, "concurrent": 0, "canaries": [], **extra}  # fmt: skip


def _log(lines: list[dict[str, Any]]) -> RequestLog:
    return parse_request_log("\n".join(json.dumps(line) for line in lines).encode())


def test_a_prompt_that_never_got_an_answer_is_not_said_to_have_succeeded() -> None:
    gone = [_line(i, i * 0.5, "a", 404, fault="model_gone") for i in range(9)]
    fact = analysis.retries_bounded(_log(gone).chat, analysis.Thresholds())
    assert fact.ok is False
    assert "9 times" in fact.message and "without a usable answer" in fact.message
    assert "succeeded" not in fact.message
    answered = [*gone, _line(9, 5.0, "a", 200)]
    fact = analysis.retries_bounded(_log(answered).chat, analysis.Thresholds())
    assert "10 times" in fact.message and "before it succeeded" in fact.message


def test_a_one_at_a_time_service_over_the_minute_s_limit_is_told_which_limit() -> None:
    lines = [_line(i, i * 0.05, chr(97 + i % 20), 200) for i in range(30)]
    lines += [_line(30 + i, 1.5 + i * 0.05, "z", 429, limit="requests_per_minute",
                    retry_after=3) for i in range(4)]  # fmt: skip
    fact = analysis.concurrency(_log(lines).chat, TERMS, analysis.Thresholds())
    assert fact.ok is False
    assert fact.message.startswith("up to 1 request(s) in flight at once (the limit is")
    assert f"but 4 refused with 429 for going over {TERMS.requests_per_minute} requests a " \
        "minute" in fact.message  # fmt: skip
    assert "too many in flight" not in fact.message


def _context(run: ModelApiRun, tickets: int) -> CheckContext:
    return cast(CheckContext, SimpleNamespace(model_api=run, raw_predictions=[0] * tickets))


def test_the_probe_s_repeats_in_serve_are_not_read_as_the_service_s_retries() -> None:
    predict = [_line(i, 1.0 + i * 0.3, chr(97 + i), 200) for i in range(10)]
    # serve: the probe asks for the same ticket 12 times; the model is gone, each call fails
    serve = [_line(10 + i, 20.0 + i * 0.2, "a", 404, fault="model_gone") for i in range(12)]
    windows = (StageWindow("predict", 0.5, 10.0), StageWindow("serve", 19.0, 30.0))
    run = ModelApiRun(api_config(), _log([*predict, *serve]), windows)
    whole = analysis.analyse(run.log, 10, TERMS)
    assert whole["retries_bounded"].ok is False  # read over every stage, it would fail
    facts = api_facts(_context(run, 10))
    assert not isinstance(facts, str)
    assert facts["retries_bounded"].ok is True, facts["retries_bounded"].message
    assert facts["gone_model"].measured == whole["gone_model"].measured  # still every stage


def test_a_duplicate_ticket_after_others_is_not_a_retry_of_its_twin() -> None:
    """One client at a time: a ticket whose words repeat an earlier one's, sent after other
    tickets, is a new ticket, even while the model it asks for is gone."""
    lines, t = [], 0.0
    for index, prompt in enumerate("ab" * 8):  # "a" eight times, each after another ticket
        lines.append(_line(index, t, prompt, 404 if prompt == "a" else 200, fault="model_gone"
                           if prompt == "a" else None))  # fmt: skip
        t += 0.5
    fact = analysis.retries_bounded(_log(lines).chat, analysis.Thresholds())
    assert fact.ok is True, fact.message
    assert fact.measured["max_attempts"] == 1
    storm = [_line(i, 0.1 * i, "a", 404, fault="model_gone") for i in range(8)]
    assert analysis.retries_bounded(_log(storm).chat, analysis.Thresholds()).ok is False
