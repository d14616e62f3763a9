"""The checks, a few modules per dimension; importing this package registers every one.

`REGISTRY` maps each stable id to its check; `run_checks(context)` runs them all.
"""

from __future__ import annotations

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
    readable,
)
from harness.checks.registry import REGISTRY, RegisteredCheck, run_checks

__all__ = ["REGISTRY", "RegisteredCheck", "known_check_ids", "run_checks"]


def known_check_ids() -> frozenset[str]:
    """Every registered check id (what a rubric may name)."""
    return frozenset(REGISTRY)
