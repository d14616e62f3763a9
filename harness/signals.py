"""Turning SIGTERM into an exception, so every `finally` that removes a container runs.

Python already raises KeyboardInterrupt on SIGINT; SIGTERM would end the process without
unwinding. Within `sigterm_unwinds` it raises `Terminated` instead, and the command line
says what was stopped once the cleanup has run (exit 143, as SIGINT's is 130). A harness
killed with SIGKILL cannot clean up at all: its leftovers carry its pid and are swept at the
next start (`harness.sandbox.docker.sweep`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(SystemExit):
    """Raised in the main thread when the harness is sent SIGTERM; its code is 143."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup
    raise Terminated(128 + signum)


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (exit code 143) in the main thread.
    Elsewhere (a thread cannot set signal handlers) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
