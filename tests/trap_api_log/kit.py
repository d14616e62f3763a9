"""What the api_log tests share: the desk-queries challenge with its api_log trap, and logs
left by real clients on the real server (a host process), as the grading would see them."""

from __future__ import annotations

import dataclasses
import functools
import json
import urllib.request
from pathlib import Path

from harness.api_grading.run import ModelApiRun, StageWindow
from harness.challenges.model import Challenge, Trap, load_challenge, load_trap
from harness.holdout import HoldoutKey, load_holdout
from harness.model_api.sidecar import ProcessSidecar
from harness.trap_evidence import Submitted, TrapMeasure, measure
from tests.model_api import kit
from tests.model_api.clients import CAREFUL, STYLES, Client
from tests.model_api_grading.challenge import write_challenge

PREDICT_FROM_S = 0.0
"""The predict stage's window starts with the server (every request is predict's)."""


@dataclasses.dataclass(frozen=True)
class Desk:
    """The desk-queries challenge as the grader reads it."""

    challenge: Challenge
    trap: Trap
    key: HoldoutKey

    def measure(self, run: ModelApiRun | None, kind: str = "api_log") -> TrapMeasure:
        submitted = Submitted(None, None, self.challenge.folder, run)
        return measure(kind, self.challenge, self.trap, self.key, submitted)  # type: ignore[arg-type]


def desk(root: Path) -> Desk:
    challenge = load_challenge(write_challenge(root))
    return Desk(challenge, load_trap(challenge), load_holdout(challenge))


@functools.cache
def served(style: str) -> ModelApiRun:
    """The style's client routes every graded ticket through the real server; the whole
    log is predict's (once per style and session)."""
    config = kit.api_config()
    with ProcessSidecar(config) as api:
        if style == "metadata_only":
            for _ in kit.TICKETS:
                _ask(api.access.base_url, "Route a ticket that came by chat. Answer in JSON.")
        elif style != "silent":
            chosen = CAREFUL if style == "careful" else STYLES[style]
            Client(api.access.base_url, api.access.key, chosen).route_all(kit.TICKETS)
        log = api.stop().log
    return ModelApiRun(config, log, (StageWindow("predict", PREDICT_FROM_S, 1e9),))


def _ask(base_url: str, text: str) -> None:
    body = json.dumps(kit.chat_body(text)).encode()
    request = urllib.request.Request(
        f"{base_url}/chat/completions", data=body,
        headers={"Authorization": f"Bearer {kit.KEY}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
