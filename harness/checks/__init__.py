"""The checks, a few modules per dimension; importing this package registers every one.

`REGISTRY` maps each stable id to its check; `run_checks(context)` runs them all.
"""

from __future__ import annotations

from harness.challenges.model import Challenge
from harness.checks import (  # noqa: F401  (importing a module registers its checks)
    code_hygiene,
    code_quality,
    code_tests,
    comms_claims,
    communication,
    correctness,
    data_judgment,
    deploy_code,
    deployment,
    model_api,
    readable,
)
from harness.checks.registry import REGISTRY, RegisteredCheck, run_checks

__all__ = ["REGISTRY", "RegisteredCheck", "applicable_checks", "known_check_ids", "run_checks"]


def known_check_ids() -> frozenset[str]:
    """Every registered check id (what a rubric may name)."""
    return frozenset(REGISTRY)


def applicable_checks(challenge: Challenge) -> tuple[RegisteredCheck, ...]:
    """The checks a challenge's submissions are judged by: the model API's only where the
    challenge gives one (the other challenges' results stay as they were)."""
    from harness.model_api.config import has_model_api

    with_api = has_model_api(challenge.folder)
    return tuple(c for c in REGISTRY.values() if with_api or not c.id.startswith(model_api.PREFIX))
