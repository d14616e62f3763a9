"""Turning SIGTERM into an exception, so every `finally` that removes a container runs.

Python already raises KeyboardInterrupt on SIGINT; SIGTERM would end the process without
unwinding. A harness killed with SIGKILL cannot clean up at all: its leftovers carry its pid
and are swept at the next start (`harness.sandbox.docker.sweep`).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(SystemExit):
    """Raised in the main thread when the harness is sent SIGTERM."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(128 + signum)


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (exit code 143) in the main thread."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
