"""Where the model API is: the grader's environment variables, or none (rules and the
classifier alone, which always work)."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping

from router.llm import ApiSettings, ModelClient

logger = logging.getLogger("router.config")

BUDGET_PER_1000_USD = 0.50
"""The brief's budget; we stop calling the API well before reaching it."""
SPEND_SHARE = 0.5


def api_settings(environ: Mapping[str, str] | None = None, tickets: int = 1000,
                 **overrides: float | int) -> ApiSettings | None:  # fmt: skip
    """Settings from GRADE_MODEL_API_* (or OPENAI_*); None when no API is configured."""
    env = os.environ if environ is None else environ
    base = env.get("GRADE_MODEL_API_BASE_URL") or env.get("OPENAI_BASE_URL")
    key = env.get("GRADE_MODEL_API_KEY") or env.get("OPENAI_API_KEY")
    if not base or not key:
        logger.warning("no model API configured: routing with rules and the classifier only")
        return None
    budget = BUDGET_PER_1000_USD * SPEND_SHARE * max(tickets, 1) / 1000
    return dataclasses.replace(ApiSettings(base_url=base, key=key, budget_usd=budget), **overrides)


def make_client(settings: ApiSettings | None) -> ModelClient | None:
    return None if settings is None else ModelClient(settings)
