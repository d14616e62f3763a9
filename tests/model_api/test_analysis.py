"""The log analysis on logs that real clients left: each hostile client is caught by the fact
about its habit, with the log lines as evidence, and the careful client meets every fault and
is clean. The clients (tests/model_api/clients.py) talk HTTP to the real server."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from harness.model_api import analysis
from harness.model_api.analysis import Fact, Terms
from harness.model_api.requestlog import RequestLog, parse_request_log
from harness.model_api.sidecar import ProcessSidecar, ServedLog
from tests.model_api.clients import STYLES, Client
from tests.model_api.kit import FAULTS, TICKETS, api_config

CAUGHT_BY = {
    "careful": set(),
    "retry_storm": {"retry_storm", "retries_bounded", "retry_after"},
    "no_timeout": {"stall_timeout"},
    "ignores_retry_after": {"retry_after"},
    "sends_personal_data": {"canaries"},
    "no_cache": {"duplicates"},
    "large_model_only": {"cost", "model_mix"},
    "too_parallel": {"concurrency"},
}
MET_BY_ALL = ("rate_limit", "server_error", "stall", "malformed", "truncated", "model_gone")


@functools.cache
def run_style(style: str) -> tuple[ServedLog, list[Any], bytes]:
    """The style's client routes every ticket through a server with the test schedule (once
    per style and test session: the tests read different facts of the same run)."""
    config = api_config(faults=FAULTS)
    with ProcessSidecar(config) as api:
        answers = Client(api.access.base_url, api.access.key, STYLES[style]).route_all(TICKETS)
        served = api.stop()
        raw = api.log_path.read_bytes()
    return served, answers, raw


def facts_of(served: ServedLog) -> dict[str, Fact]:
    return analysis.analyse(served.log, len(TICKETS), Terms.from_config(api_config()))


@pytest.mark.parametrize("style", sorted(CAUGHT_BY))
def test_each_client_is_caught_by_the_fact_about_its_habit(style: str) -> None:
    served, answers, raw = run_style(style)
    assert served.log.problems == ()
    facts = facts_of(served)
    failing = {name for name, fact in facts.items() if fact.ok is False}
    assert failing == CAUGHT_BY[style], {n: facts[n].message for n in failing}
    met = facts["fault_outcomes"].measured
    assert all(f"{kind}_met" in met for kind in MET_BY_ALL), met
    lines = raw.decode().splitlines()
    for name in failing:
        fact = facts[name]
        assert fact.evidence, f"{name} has no evidence"
        for evidence in fact.evidence:  # each quoted line is the log's own line
            assert lines[evidence.line - 1][: len(evidence.text)] == evidence.text
            json.loads(evidence.text)
    assert sum(a is not None for a in answers) >= len(TICKETS) - 2


def test_the_careful_client_meets_every_fault_and_handles_each() -> None:
    served, answers, _ = run_style("careful")
    facts = facts_of(served)
    for name in ("retry_after", "retries_bounded", "retry_storm", "stall_timeout", "cost",
                 "duplicates", "concurrency", "model_mix", "canaries", "gone_model"):  # fmt: skip
        assert facts[name].ok is True, (name, facts[name].message)
    assert all(a is not None for a in answers)
    assert facts["stall_timeout"].measured["abandoned"] == 1
    assert facts["duplicates"].measured["repeated_prompts"] == 0
    assert "switched to route-standard" in facts["gone_model"].message


def test_the_storm_is_quoted_in_numbers_a_follow_up_question_can_use() -> None:
    served, _, _ = run_style("retry_storm")
    storm = facts_of(served)["retry_storm"]
    assert storm.ok is False
    assert int(storm.measured["requests_in_worst"] or 0) > 50
    assert storm.message.startswith("a retry storm: under the worst burst of 429")
    assert "requests in" in storm.message and "a second" in storm.message


def test_a_client_without_a_timeout_holds_the_stall_until_the_servers_limit() -> None:
    served, _, _ = run_style("no_timeout")
    stall = facts_of(served)["stall_timeout"]
    assert stall.measured["abandoned"] == 0
    assert float(stall.measured["longest_held_s"] or 0) >= 3.0
    assert "never abandoned" in stall.message


def test_degradation_reads_the_stages_outcome_beside_the_faults_it_met() -> None:
    served, _, _ = run_style("careful")
    fine = analysis.degradation(served.log, "predict", "ok", len(TICKETS), len(TICKETS))
    crashed = analysis.degradation(served.log, "predict", "failed", len(TICKETS), 0)
    quiet = analysis.degradation(RequestLog(()), "serve", "ok", 5, 5)
    assert fine.ok is True and crashed.ok is False and quiet.ok is None
    assert crashed.evidence and "answered 0 of 40 (failed)" in crashed.message


def test_cost_is_tokens_times_the_price_table_per_1000_tickets() -> None:
    lines = [
        {"index": 0, "t_start": 0.1, "t_end": 0.2, "method": "POST",
         "path": "/v1/chat/completions", "model": "route-mini", "prompt_sha256": "a",
         "prompt_tokens": 1000, "completion_tokens": 100, "status": 200},
        {"index": 1, "t_start": 0.3, "t_end": 0.4, "method": "POST",
         "path": "/v1/chat/completions", "model": "route-large", "prompt_sha256": "b",
         "prompt_tokens": 1000, "completion_tokens": 100, "status": 200},
        {"index": 2, "t_start": 0.5, "t_end": 0.6, "method": "POST",
         "path": "/v1/chat/completions", "model": "route-large", "prompt_sha256": "c",
         "prompt_tokens": 5000, "completion_tokens": 0, "status": 429, "retry_after": 1},
    ]  # fmt: skip
    log = parse_request_log("\n".join(json.dumps(line) for line in lines).encode())
    prices = {"route-mini": (0.15, 0.60), "route-large": (5.0, 20.0)}
    fact = analysis.cost(log.chat, 2, Terms(prices, 3.0), analysis.Thresholds())
    within = analysis.cost(log.chat, 2, Terms(prices, 4.0), analysis.Thresholds())
    expected = (1000 * 0.15 + 100 * 0.60 + 1000 * 5.0 + 100 * 20.0) / 1e6  # the 429 is unpaid
    assert fact.measured["usd"] == pytest.approx(expected)
    assert fact.measured["usd_per_1000"] == pytest.approx(expected / 2 * 1000)
    assert (fact.ok, within.ok) == (False, True)  # $3.605 per 1,000 tickets
    assert fact.message.startswith("$3.6050 per 1,000 tickets against a budget of $3.00")
