"""Benchmark: `grade --help` starts at most 3 times as slowly as `python -c pass`.

Goal (issue 16): the two measured side by side in this one run, alternating, so a busy
machine slows both alike; the medians and their ratio are printed. Both run the same
interpreter of the same virtualenv, so the ratio is what `grade` adds to Python's own start.
The peak memory of each is printed too, measured apart from the timings (see `own_peak_kib`).
Run: `python bench/bench_startup.py`; exits 1 when the ratio is over 3.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GRADE = Path(sys.executable).with_name("grade")
RATIO_GOAL = 3.0
REPEATS = 31

PEAK_PROBE = """\
import atexit, sys
peak_file = sys.argv.pop(1)
def _report():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(peak_file, "w") as out:
        out.write(kib)
atexit.register(_report)
if len(sys.argv) > 1:  # what the console script does: grade ARGS...
    sys.argv[0] = "grade"
    from harness.cli import main
    main()
"""
"""`python -c PEAK_PROBE FILE [ARGS...]`: `grade ARGS...` (or, with no ARGS, nothing, as
`python -c pass`), writing the process's VmHWM to FILE as it exits."""


@dataclass(frozen=True)
class Child:
    """How one child process went: its wall seconds and exit code."""

    seconds: float
    code: int


def run_child(argv: list[str], output: Path | None = None) -> Child:
    """Run `argv` with stdout and stderr into `output` (default: discarded)."""
    target = os.open(output or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    actions = [
        (os.POSIX_SPAWN_DUP2, target, 1),
        (os.POSIX_SPAWN_DUP2, target, 2),
        (os.POSIX_SPAWN_CLOSE, target),
    ]
    started = time.perf_counter()
    try:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(target)
    return Child(time.perf_counter() - started, os.waitstatus_to_exitcode(status))


def own_peak_kib(grade_args: list[str], output: Path | None = None) -> tuple[int, Child]:
    """The peak resident memory of `grade ARGS...` itself, and how its run went.

    Not ru_maxrss: a child started by vfork or posix_spawn inherits its parent's peak at
    exec, so it would report this benchmark's own memory whenever that is the larger. The
    high-water mark of the process's own address space (VmHWM), read as it exits, is not."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        child = run_child([sys.executable, "-c", PEAK_PROBE, str(peak_file), *grade_args], output)
        kib = int(peak_file.read_text()) if peak_file.is_file() else 0
    return kib, child


def _timed(argv: list[str]) -> float:
    child = run_child(argv)
    if child.code != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {child.code})")
    return child.seconds


def main() -> int:
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], []),
        "grade --help": ([str(GRADE), "--help"], ["--help"]),
    }
    for argv, _ in commands.values():
        _timed(argv)  # warm the file cache
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(REPEATS):
        for name, (argv, _) in commands.items():
            samples[name].append(_timed(argv))
    medians = {name: statistics.median(seconds) for name, seconds in samples.items()}
    for name, (_, grade_args) in commands.items():
        peak_mib = own_peak_kib(grade_args)[0] / 1024
        print(f"{name:32s} {medians[name] * 1000:8.1f} ms   peak {peak_mib:6.1f} MiB")
    ratio = medians["grade --help"] / medians["python -c pass"]
    verdict = "ok" if ratio <= RATIO_GOAL else "MISSED"
    goal = f"goal {RATIO_GOAL:.1f} x"
    print(f"{'grade --help / python -c pass':32s} {ratio:8.2f} x    {goal:12s} {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
