"""The model API of one grading: its graded config, when each stage ran, and the log.

One sidecar serves the whole grading (train, predict and serve join it in turn: one start
instead of three), so the log is told apart per stage by time. The server counts seconds
from its own start; the clock here starts once the sidecar answers, a moment later, so a
request's server time is never earlier than the stage's start on this clock: each request
belongs to the last stage begun at or before it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.model_api.requestlog import LoggedRequest, RequestLog

API_STAGES = ("train", "predict", "serve")
"""The stages that may call the model API (the test stage runs offline)."""


@dataclass(frozen=True)
class StageWindow:
    """When one stage ran, in seconds on the grading's model-API clock."""

    stage: str
    start_s: float
    end_s: float


@dataclass
class StageClock:
    """Records when each stage runs, from the moment the sidecar answered."""

    origin: float = field(default_factory=time.monotonic)
    windows: list[StageWindow] = field(default_factory=list)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.monotonic() - self.origin
        try:
            yield
        finally:
            self.windows.append(StageWindow(name, start, time.monotonic() - self.origin))


@dataclass(frozen=True)
class ModelApiRun:
    """What the model API saw during one grading."""

    config: Mapping[str, Any]
    """The graded config (its key and fault schedule): the analysis reads its terms."""
    log: RequestLog
    windows: tuple[StageWindow, ...] = ()
    server_output: str = ""

    def stage_of(self, request: LoggedRequest) -> str | None:
        """The stage a request came from: the last one begun at or before it."""
        begun = [w for w in self.windows if w.start_s <= request.t_start]
        return max(begun, key=lambda w: w.start_s).stage if begun else None

    def stage_log(self, *stages: str) -> RequestLog:
        """The log of these stages only (the problems of the file are kept)."""
        kept = tuple(r for r in self.log.requests if self.stage_of(r) in stages)
        return dataclasses.replace(self.log, requests=kept)

    @property
    def called(self) -> bool:
        """Whether any chat request reached the API (a rules-only service never calls it)."""
        return bool(self.log.chat)


def graded_config(
    challenge_folder: Path, seed: int, submission_sha256: str
) -> dict[str, Any] | None:
    """The graded server's config of this submission; None for a challenge without a model
    API (HarnessError naming the file when its config is wrong)."""
    from harness.model_api import config as api

    if not api.has_model_api(challenge_folder):
        return None
    return api.graded_config(api.load_settings(challenge_folder), seed, submission_sha256)
