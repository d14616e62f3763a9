"""Running a challenge's generator, and proving its committed files are what it writes.

The generator is the challenge author's own code, run on the host as a plain subprocess
(`python generate.py --out DIR [--seed N]`); it is trusted like the harness itself and never
sees a submission.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.challenges.cases import CASES_DIR
from harness.challenges.model import GENERATOR, PRIVATE, PUBLIC, Challenge
from harness.errors import HarnessError

GENERATOR_TIMEOUT_S = 300


def generate(challenge: Challenge, out: Path, seed: int | None = None) -> Path:
    """Run the generator into `out`; a failure is an error quoting its last line."""
    command = [sys.executable, str(challenge.folder / GENERATOR), "--out", str(out)]
    if seed is not None:
        command += ["--seed", str(seed)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as err:
        raise HarnessError(f"{GENERATOR} of {challenge.id} ran over {err.timeout:g} s") from err
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise HarnessError(f"{GENERATOR} of {challenge.id} failed: {last}")
    return out


@dataclass(frozen=True)
class Drift:
    """How the committed files differ from a fresh generation."""

    changed: tuple[str, ...]
    missing: tuple[str, ...]
    """Written by the generator, absent from the challenge folder."""
    extra: tuple[str, ...]
    """In the challenge's public/ or private/, not written by the generator."""

    @property
    def none(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def compare(challenge: Challenge, fresh: Path) -> Drift:
    """Byte-for-byte: every file under public/ and private/ against a fresh generation.

    The calibration cases (`private/cases/`) are written by hand, not generated: they are
    left out of the comparison on both sides."""
    generated = _files(fresh)
    committed = _files(challenge.folder)
    changed = [
        name
        for name in sorted(generated & committed)
        if (fresh / name).read_bytes() != (challenge.folder / name).read_bytes()
    ]
    return Drift(
        tuple(changed), tuple(sorted(generated - committed)), tuple(sorted(committed - generated))
    )


def _files(root: Path) -> set[str]:
    cases = root / CASES_DIR
    return {
        path.relative_to(root).as_posix()
        for part in (PUBLIC, PRIVATE)
        for path in (root / part).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and not path.is_relative_to(cases)
    }
