"""The portfolio signals, a module per area; importing this package registers every one.

`SIGNALS` maps each stable id to its signal; `run_signals(repo)` runs them all.
"""

from __future__ import annotations

from harness.portfolio.signals import (  # noqa: F401  (importing a module registers its signals)
    data,
    deployment,
    depth,
    engineering,
    observability,
)
from harness.portfolio.signals.registry import SIGNALS, RegisteredSignal, run_signals

__all__ = ["SIGNALS", "RegisteredSignal", "run_signals"]
