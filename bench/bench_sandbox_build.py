"""Benchmark: a warm `grade sandbox build` (nothing changed) does no work in under 5 s.

Run after one `grade sandbox build`: `python bench/bench_sandbox_build.py`. Exits 1 when
the goal is missed, printing the timing either way.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GRADE = Path(sys.executable).with_name("grade")
GOAL_S = 5.0


def _runtime_present() -> bool:
    from harness.errors import SandboxError
    from harness.sandbox import docker as engine
    from harness.sandbox import image

    try:
        client = engine.connect()
        return engine.find_image(client, image.runtime_tag(client)) is not None
    except SandboxError:
        return False


def main() -> int:
    if not _runtime_present():
        print("warm grade sandbox build         skipped: no engine or no runtime image yet")
        return 1 if os.environ.get("CI") else 0
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run([GRADE, "sandbox", "build"], capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0 or "already built" not in done.stdout:
            print(f"not warm: {done.stdout.strip()} {done.stderr.strip()}")
            return 1
    seconds = statistics.median(samples)
    verdict = "ok" if seconds <= GOAL_S else "MISSED"
    timing = f"{seconds * 1000:8.1f} ms   goal {GOAL_S:.2f} s"
    print(f"warm grade sandbox build         {timing}  {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
