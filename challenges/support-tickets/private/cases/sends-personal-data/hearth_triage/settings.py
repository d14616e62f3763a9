"""Runtime settings, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ApiConfig:
    base_url: str
    api_key: str
    models: tuple[str, ...] = ("route-mini", "route-standard")
    read_timeout_s: float = 6.0
    connect_timeout_s: float = 2.0
    attempts: int = 4
    max_in_flight: int = 3          # the provider allows 4
    min_spacing_s: float = 0.25     # 240 requests a minute, under the 300 allowed
    breaker_after: int = 6          # tickets failed in a row before the breaker opens
    breaker_open_s: float = 20.0
    longest_wait_s: float = 15.0    # a Retry-After above this is not waited: fall back

    @classmethod
    def from_env(cls) -> ApiConfig | None:
        url = os.getenv("GRADE_MODEL_API_BASE_URL") or os.getenv("OPENAI_BASE_URL")
        key = os.getenv("GRADE_MODEL_API_KEY") or os.getenv("OPENAI_API_KEY")
        return cls(url.rstrip("/"), key) if url and key else None
