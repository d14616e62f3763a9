"""Benchmark: how well and how fast the write-up reader reads claims.

Prints, per claim kind, precision and recall on the labelled corpus
(`tests/checks/data/writeup_sentences.toml`) of what a sentence describes (makes or plans)
and of what it denies, and how long reading a long write-up takes (printed, not a goal: a
speed goal would be a ratio measured side by side, and there is nothing to set beside it).
Goal: precision and recall of at least 0.95 for every kind. Run:
`python bench/bench_statements.py`; exits 1 when a goal is missed, printing every figure
either way.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.checks import statements  # noqa: E402
from harness.checks.statements import CLAIM_KINDS, ClaimKind, Reading, read_sentence  # noqa: E402

CORPUS = ROOT / "tests" / "checks" / "data" / "writeup_sentences.toml"
FLOOR = 0.95


def _counts(
    entries: list[dict[str, Any]],
    readings: list[Reading],
    truth: Callable[[dict[str, Any], ClaimKind], bool],
    said: Callable[[Reading, ClaimKind], bool],
) -> dict[ClaimKind, tuple[int, int, int]]:
    """Per kind: true positives, false positives, false negatives."""
    found: dict[ClaimKind, tuple[int, int, int]] = {}
    for kind in CLAIM_KINDS:
        pairs = [(truth(e, kind), said(r, kind)) for e, r in zip(entries, readings, strict=True)]
        found[kind] = (
            sum(t and s for t, s in pairs),
            sum(s and not t for t, s in pairs),
            sum(t and not s for t, s in pairs),
        )
    return found


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _shown(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def _report(title: str, counts: dict[ClaimKind, tuple[int, int, int]]) -> list[str]:
    """Print one table; the kinds under the floor."""
    print(f"\n{title}\n{'kind':<12} {'precision':>9} {'recall':>6} {'support':>7}")
    missed = []
    for kind, (tp, fp, fn) in counts.items():
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        print(f"{kind:<12} {_shown(precision):>9} {_shown(recall):>6} {tp + fn:>7}")
        if any(v is not None and v < FLOOR for v in (precision, recall)):
            missed.append(f"{title}: {kind}")
    return missed


def _long_writeup() -> str:
    """The bundled careful references' write-ups one after the other (about 3,000 words)."""
    readmes = sorted((ROOT / "challenges").glob("*/reference/careful/README.md"))
    return "\n\n".join(path.read_text(encoding="utf-8") for path in readmes)


def _read_time(text: str, repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        statements.read_sentence.cache_clear()
        statements.read_writeup.cache_clear()
        start = time.perf_counter()
        statements.read_writeup(text)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    entries: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["sentence"]
    readings = [read_sentence(e["text"], e.get("section")) for e in entries]
    print(f"{len(entries)} labelled sentences")
    missed = _report(
        "describes (makes or plans)",
        _counts(
            entries,
            readings,
            lambda e, k: k in e.get("makes", []) + e.get("plans", []),
            lambda r, k: r.describes(k),
        ),
    )
    missed += _report(
        "denies",
        _counts(
            entries, readings, lambda e, k: k in e.get("denies", []), lambda r, k: k in r.denies
        ),
    )
    exact = sum(
        (sorted(r.makes), sorted(r.plans), sorted(r.denies))
        == tuple(sorted(e.get(key, [])) for key in ("makes", "plans", "denies"))
        for e, r in zip(entries, readings, strict=True)
    )
    print(f"\nexactly right (makes, plans and denies): {exact} of {len(entries)}")
    text = _long_writeup()
    took = _read_time(text)
    read = len(statements.read_writeup(text))
    print(f"read a {len(text.split())}-word write-up ({read} sentences): {took * 1000:.1f} ms")
    for miss in missed:
        print(f"MISSED: {miss} (floor {FLOOR})" if ":" in miss else f"MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
