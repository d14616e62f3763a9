"""How many gradings to run at once by default: as many as the machine's cores and memory
hold with every grading at its stage limits (`train`'s, the largest by default), at least one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from harness.models import STAGE_NAMES
from harness.sandbox.limits import apply_overrides, machine_cpus, parse_overrides
from harness.sandbox.stages import DEFAULT_LIMITS


@dataclass(frozen=True)
class Jobs:
    count: int
    why: str
    """How the count was chosen, printed when a batch starts."""


def choose_jobs(requested: int | None, limit_overrides: Sequence[str]) -> Jobs:
    """`requested` (--jobs) when given; otherwise min(cores // CPUs a stage takes,
    memory // memory a stage takes), at least 1."""
    if requested is not None:
        return Jobs(requested, "--jobs")
    limits = apply_overrides(DEFAULT_LIMITS, parse_overrides(limit_overrides))
    stages = [limits[name] for name in STAGE_NAMES if name in limits]
    memory_mb = max((s.memory_mb or 0 for s in stages), default=0) or 1
    cpus = max((s.cpus or 0 for s in stages), default=0) or 1.0
    cores, total_mb = machine_cpus(), machine_memory_mb()
    by_cores, by_memory = int(cores // cpus), total_mb // memory_mb
    count = max(1, min(by_cores, by_memory))
    why = (
        f"{cores} cores / {cpus:g} CPU a stage = {by_cores}, "
        f"{total_mb:,} MiB / {memory_mb:,} MiB a stage = {by_memory}"
    )
    return Jobs(count, why)


def machine_memory_mb() -> int:
    """Physical memory in MiB (a guess of 2 GiB where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024))
    except (ValueError, OSError, AttributeError):
        return 2048
