"""Running a trusted program on the host (ruff, radon, pip): no shell, a deadline, a typed
result. Submission code never runs through here: it runs only in the sandbox."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class ProgramResult:
    """How one program run ended."""

    argv: tuple[str, ...]
    exit_code: int | None
    """None when it was killed at the deadline, or could not be started."""
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_program(
    argv: Sequence[str], *, cwd: Path | None = None, timeout_s: float = DEFAULT_TIMEOUT_S
) -> ProgramResult:
    """Run `argv` with no stdin; output decoded leniently; never raises for what it does."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            list(argv), cwd=cwd, capture_output=True, timeout=timeout_s, check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except subprocess.TimeoutExpired as err:
        return ProgramResult(
            tuple(argv), None, _text(err.stdout), _text(err.stderr), timeout_s, timed_out=True
        )
    except OSError as err:
        return ProgramResult(tuple(argv), None, "", str(err), time.monotonic() - started)
    return ProgramResult(
        tuple(argv), done.returncode, _text(done.stdout), _text(done.stderr),
        time.monotonic() - started,
    )  # fmt: skip


def _text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else raw.decode("utf-8", errors="replace")
