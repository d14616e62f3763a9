"""The graded config of one grading and the public one of the stand-in, built from a
challenge's two configs; the fault schedule and its seed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.model_api import config, faults, server
from tests.model_api.kit import call, chat_body

PRIVATE_PHRASE = "zorblax renewal"
CANARY = "ines.okafor.0193@example.com"
SHA_A, SHA_B = "a" * 64, "b" * 64
GOOD = json.loads(json.dumps(server.public_config()))


def make_challenge(folder: Path, private: Any = None, public: Any = None) -> Path:
    """A challenge folder with a model API: a private lexicon only the graded server knows
    (a product phrase routes to `renewals`), a weaker public one, canaries, a budget."""
    (folder / "private").mkdir(parents=True)
    (folder / "public").mkdir()
    lexicon = {
        "queues": {"renewals": {PRIVATE_PHRASE: 3}, "billing": {"invoice": 2}},
        "default_queue": "billing",
        "urgency": {"high": {"today": 1}},
        "default_urgency": "normal",
    }
    mini = {**server.PUBLIC_MODELS["route-mini"], "error_rate": 0.0}
    base = {
        "name": "model API",
        "key": "dev-key",
        "models": {**server.PUBLIC_MODELS, "route-mini": mini},
        "lexicon": lexicon,
        "rate_limit": {"requests_per_minute": 120, "max_concurrent": 3},
        "stall_limit_s": 2.0,
        "faults": [],
        "canaries": [CANARY, "4111 1111 1111 1111"],
        "budget_usd_per_1000": 0.5,
        "fault_salt": "pepper",
    }
    weaker = {
        "queues": {"billing": {"invoice": 1}, "help": {"question": 1}},
        "default_queue": "help",
        "urgency": {},
        "default_urgency": "normal",
    }
    standin = {**base, "name": "model API stand-in", "canaries": [], "lexicon": weaker}
    del standin["budget_usd_per_1000"], standin["fault_salt"]
    for name, written in ((config.PRIVATE_CONFIG, private or base),
                          (config.PUBLIC_CONFIG, public or standin)):  # fmt: skip
        text = written if isinstance(written, str) else json.dumps(written)
        (folder / name).write_text(text)
    return folder


def test_the_graded_config_carries_the_private_side_and_a_schedule_per_submission(
    tmp_path: Path,
) -> None:
    settings = config.load_settings(make_challenge(tmp_path))
    assert settings.budget_usd_per_1000 == 0.5
    graded = config.graded_config(settings, 4101, SHA_A)
    assert graded["lexicon"]["queues"]["renewals"] == {PRIVATE_PHRASE: 3}
    assert graded["canaries"] == [CANARY, "4111 1111 1111 1111"]
    assert graded["rate_limit"] == {"requests_per_minute": 120, "max_concurrent": 3}
    assert graded["models"]["route-mini"]["error_rate"] == 0.0
    server.settings_from(graded)  # the server takes it as it is
    again = config.graded_config(settings, 4101, SHA_A)
    assert again["faults"] == graded["faults"]  # the same zip meets the same schedule
    assert graded["faults"][-1]["kind"] == "model_gone"  # the file's own faults replaced
    assert again["key"] != graded["key"] and graded["key"].startswith("grade-")
    others = [config.graded_config(settings, 4101, c * 64)["faults"] for c in "bcdef"]
    assert all(other != graded["faults"] for other in others)
    assert config.graded_config(settings, 4102, SHA_A)["faults"] != graded["faults"]


def test_the_public_config_knows_no_canary_no_fault_and_only_the_public_lexicon(
    tmp_path: Path,
) -> None:
    settings = config.load_settings(make_challenge(tmp_path))
    public = config.public_config(settings)
    assert public["faults"] == [] and public["canaries"] == []
    assert public["key"] == "standin-key"
    assert "renewals" not in public["lexicon"]["queues"]
    assert public["rate_limit"] == {"requests_per_minute": 120, "max_concurrent": 3}
    source = config.standin_source(public)
    assert CANARY not in source and PRIVATE_PHRASE not in source
    assert config.standin_bytes(tmp_path) == source.encode()
    assert config.standin_bytes(tmp_path / "private") is None  # no model API there


def test_the_stand_in_file_runs_alone_with_its_built_in_config(tmp_path: Path) -> None:
    settings = config.load_settings(make_challenge(tmp_path / "challenge"))
    standin = tmp_path / "bundle" / config.STANDIN_NAME
    standin.parent.mkdir()
    standin.write_text(config.standin_source(config.public_config(settings)))
    process = subprocess.Popen(
        [sys.executable, "-I", str(standin), "--port", "0", "--latency-factor", "0"],
        cwd=standin.parent, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("model API stand-in listening on http://127.0.0.1:")
        url = line.split(" ")[5]
        body = chat_body(f"about the {PRIVATE_PHRASE}")
        answer = call(url, "/chat/completions", body, key="standin-key")
        reading = json.loads(answer.json()["choices"][0]["message"]["content"])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert reading["queue"] == "help"  # the public model does not know the product


@pytest.mark.parametrize(
    ("private", "says"),
    [
        ("{not json", "not a readable JSON config"),
        ("[1, 2]", "must hold a JSON object"),
        ({**GOOD, "models": {"gpt-5": {}}}, "unknown model(s) gpt-5"),
        ({**GOOD, "lexicon": {"queues": {"a": {"x": "heavy"}}}}, "lexicon.queues.a.x"),
        ({**GOOD, "faults": [{"kind": "meteor"}]}, "unknown kind 'meteor'"),
        ({**GOOD, "budget_usd_per_1000": "cheap"}, "budget_usd_per_1000"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file(tmp_path: Path, private: Any, says: str) -> None:
    make_challenge(tmp_path, private=private)
    with pytest.raises(HarnessError) as raised:
        config.load_settings(tmp_path)
    line = raised.value.one_line()
    assert says in line and "model_api.json" in line and "\n" not in line


def test_a_stand_in_config_with_a_canary_is_refused(tmp_path: Path) -> None:
    make_challenge(tmp_path, public={**GOOD, "canaries": [CANARY]})
    with pytest.raises(HarnessError, match="no canaries and no faults"):
        config.load_settings(tmp_path)


def test_without_a_stand_in_config_the_stand_in_gets_the_generic_lexicon(tmp_path: Path) -> None:
    make_challenge(tmp_path)
    (tmp_path / config.PUBLIC_CONFIG).unlink()
    public = config.public_config(config.load_settings(tmp_path))
    assert public["lexicon"] == server.GENERIC_LEXICON and public["canaries"] == []
    assert public["rate_limit"] == {"requests_per_minute": 120, "max_concurrent": 3}


def test_a_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    assert not config.has_model_api(tmp_path)
    with pytest.raises(HarnessError, match="no such file"):
        config.load_settings(tmp_path)


def test_every_schedule_holds_every_fault_in_order_with_the_model_going_away_last() -> None:
    kinds_seen: set[tuple[Any, ...]] = set()
    for seed in range(300):
        schedule = faults.fault_schedule(seed)
        starts = [w["from_request"] for w in schedule]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert 2 <= starts[0] <= 6 and starts[-1] <= 60
        assert schedule[-1] == {"kind": "model_gone", "model": "*", "from_request": starts[-1]}
        kinds = sorted((w["kind"], w.get("status", 0)) for w in schedule)
        assert kinds == sorted([("rate_limit", 0), ("rate_limit", 0), ("server_error", 500),
                                ("server_error", 503), ("stall", 0), ("malformed", 0),
                                ("truncated", 0), ("model_gone", 0)])  # fmt: skip
        for window in schedule:
            server.Window.from_config(dict(window))
        kinds_seen.add(tuple(w["kind"] for w in schedule))
    assert len(kinds_seen) > 100  # the order differs from one schedule to the next


def test_the_seed_needs_the_private_salt_and_the_submission() -> None:
    seeds = {
        faults.schedule_seed(4101, SHA_A),
        faults.schedule_seed(4101, SHA_A, "pepper"),
        faults.schedule_seed(4101, SHA_B, "pepper"),
        faults.schedule_seed(4102, SHA_A, "pepper"),
    }
    assert len(seeds) == 4
    assert faults.schedule_seed(4101, SHA_A.upper(), "pepper") == faults.schedule_seed(
        4101, SHA_A, "pepper"
    )


def test_each_window_is_described_in_one_line() -> None:
    lines = [faults.describe(w) for w in faults.fault_schedule(1)]
    assert any("429 burst" in line for line in lines)
    assert any("HTTP 503" in line for line in lines)
    assert any("stalled" in line for line in lines)
    assert any("404 model_not_found" in line for line in lines)
    assert all("from request" in line and "\n" not in line for line in lines)
