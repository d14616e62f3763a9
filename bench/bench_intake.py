"""Benchmark: how fast intake refuses a zip bomb, and unpacks a real submission.

Goals (from the foundation issue): a small zip claiming 1 GiB is refused in well under a
second, before anything is extracted. Run: `python bench/bench_intake.py`; exits 1 when a
goal is missed, printing each timing either way.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.errors import IntakeError  # noqa: E402
from harness.intake import MiB, unpack  # noqa: E402
from harness.packing import zip_folder  # noqa: E402
from tests.zipkit import MINIMAL, patch_central, write_zip  # noqa: E402

GOALS_S = {"refuse a zip claiming 1 GiB": 0.5, "refuse a real 20 MiB zip bomb": 0.5}


def _timed(action: Callable[[], object], repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _refusal(zip_path: Path, out: Path) -> Callable[[], None]:
    def refuse() -> None:
        try:
            unpack(zip_path, out)
        except IntakeError:
            return
        raise SystemExit(f"{zip_path.name} was not refused")

    return refuse


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        claim = write_zip(base / "claim.zip", {**MINIMAL, "model.bin": b"x" * 1000})
        patch_central(claim, "model.bin", file_size=1024 * MiB)
        bomb = write_zip(base / "bomb.zip", {**MINIMAL, "w.bin": bytes(20 * MiB)})
        folder = ROOT / "challenges" / "customer-churn" / "reference" / "careful"
        example = zip_folder(folder, base / "example.zip")
        counter = iter(range(1_000))
        timings = {
            "refuse a zip claiming 1 GiB": _timed(_refusal(claim, base / "out")),
            "refuse a real 20 MiB zip bomb": _timed(_refusal(bomb, base / "out")),
            "unpack the example submission": _timed(
                lambda: unpack(example, base / f"ex{next(counter)}")
            ),
        }
    missed = 0
    for name, seconds in timings.items():
        goal = GOALS_S.get(name)
        verdict = "" if goal is None else ("ok" if seconds <= goal else "MISSED")
        missed += verdict == "MISSED"
        goal_text = f"goal {goal:.2f} s" if goal else "no goal"
        print(f"{name:32s} {seconds * 1000:8.1f} ms   {goal_text:12s} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
