"""Helpers for challenge generators: seeded randomness and byte-stable files.

A generator must write the same bytes for the same seed on any machine, so everything here
rests on the one promise Python makes about `random`: `random.Random(int).random()` gives
the same sequence in every version. Each distribution is built from `random()` alone (not
from `gauss`, `choices` or `shuffle`, whose algorithms may change), and files are written
with fixed line endings and number formats. Changing what a helper draws changes the bytes
of every challenge that uses it; `grade challenge validate` catches that.

A generator is a script with a `generate(out, seed)` function that ends in
`raise SystemExit(run(generate, seed=DEFAULT_SEED))`; it is called as
`python generate.py --out DIR [--seed N]` and writes `DIR/public/...` and `DIR/private/...`.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Cell = str | int | float | None
Row = dict[str, Cell]


class Rng:
    """A seeded source of the few distributions a tabular challenge needs."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        """A float in [low, high)."""
        return low + (high - low) * self._random.random()

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self._random.random() < probability

    def integer(self, low: int, high: int) -> int:
        """An int in [low, high], both ends included."""
        return low + min(int(self._random.random() * (high - low + 1)), high - low)

    def normal(self, mean: float = 0.0, sd: float = 1.0) -> float:
        """Box-Muller from two uniforms (one draw per call, the twin discarded)."""
        u1 = 1.0 - self._random.random()
        u2 = self._random.random()
        return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def lognormal(self, median: float, spread: float) -> float:
        """exp(normal) scaled so that half the draws fall below `median`."""
        return median * math.exp(self.normal(0.0, spread))

    def poisson(self, mean: float) -> int:
        """Knuth's method; fine for the small means of counts in a table."""
        limit, count, product = math.exp(-mean), 0, self._random.random()
        while product > limit:
            count += 1
            product *= self._random.random()
        return count

    def choice(self, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
        """One option, uniformly or in proportion to `weights`."""
        if weights is None:
            return options[self.integer(0, len(options) - 1)]
        target, total = self._random.random() * sum(weights), 0.0
        for option, weight in zip(options, weights, strict=True):
            total += weight
            if target < total:
                return option
        return options[-1]

    def shuffled(self, items: Iterable[T]) -> list[T]:
        """A new list in random order (Fisher-Yates)."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i)
            out[i], out[j] = out[j], out[i]
        return out

    def token(self, length: int = 10) -> str:
        """A random lower-case hex string, for opaque ids."""
        return "".join("0123456789abcdef"[self.integer(0, 15)] for _ in range(length))

    def opaque_ids(self, count: int, prefix: str) -> list[str]:
        """`count` distinct ids like `prefix-3fa9c01b2e`, telling nothing about the rows."""
        seen: set[str] = set()
        while len(seen) < count:
            seen.add(f"{prefix}-{self.token()}")
        return self.shuffled(sorted(seen))


def sigmoid(x: float) -> float:
    """The logistic function, for turning a score into a probability."""
    return 1.0 / (1.0 + math.exp(-x))


def fixed(value: float, places: int = 2) -> str:
    """A number with a fixed count of decimals, as the CSV should show it."""
    return f"{value:.{places}f}"


class Output:
    """Writes a generator's files under one root, always with `\\n` line endings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []

    def text(self, relative: str, content: str) -> Path:
        """Write a text file (UTF-8, ending in one newline)."""
        path = self._path(relative)
        path.write_bytes((content.rstrip("\n") + "\n").encode("utf-8"))
        return path

    def csv(self, relative: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
        """Write a CSV: a header, then one line per row; None becomes an empty cell."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            if len(row) != len(columns):
                raise ValueError(f"{relative}: a row has {len(row)} cells for {len(columns)}")
            writer.writerow(["" if cell is None else cell for cell in row])
        path = self._path(relative)
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        return path

    def table(self, relative: str, columns: Sequence[str], rows: Iterable[Row]) -> Path:
        """Write dict rows as a CSV with the given columns, in that order."""
        return self.csv(relative, columns, ([row.get(c) for c in columns] for row in rows))

    def _path(self, relative: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(path)
        return path


class Holdout:
    """The rows a model is judged on, and the files that keep them apart.

    Labelled rows belong to a slice (for example `ordinary` and `scoring_time`); probe pairs
    are two rows that differ only in the trap's attribute, sides `a` and `b`. All of them go
    to `private/holdout/features.csv` under opaque ids in one shuffled order, so a submission
    cannot tell a probe from a slice; which is which is written only to `labels.csv` and
    `probes.csv` beside it.
    """

    def __init__(self, id_column: str, target: str) -> None:
        self.id_column = id_column
        self.target = target
        self._labelled: list[tuple[Row, Cell, str]] = []
        self._pairs: list[tuple[Row, Row]] = []

    def add(self, features: Row, target: Cell, slice_name: str) -> None:
        """A labelled row in the named slice."""
        self._labelled.append((features, target, slice_name))

    def pair(self, side_a: Row, side_b: Row) -> None:
        """A probe pair: the same case with the trap's attribute one way, then the other."""
        self._pairs.append((side_a, side_b))

    def write(self, out: Output, rng: Rng, columns: Sequence[str], prefix: str) -> None:
        """Give every row an opaque id, shuffle, and write the three private files."""
        ids = rng.opaque_ids(len(self._labelled) + 2 * len(self._pairs), prefix)
        features: list[Row] = []
        labels: list[Row] = []
        probes: list[Row] = []
        for (row, target, slice_name), row_id in zip(self._labelled, ids, strict=False):
            features.append({**row, self.id_column: row_id})
            labels.append({self.id_column: row_id, self.target: target, "slice": slice_name})
        pair_ids = ids[len(self._labelled) :]
        for number, (side_a, side_b) in enumerate(self._pairs):
            for side, row, row_id in (
                ("a", side_a, pair_ids[2 * number]),
                ("b", side_b, pair_ids[2 * number + 1]),
            ):
                features.append({**row, self.id_column: row_id})
                probes.append({"pair": number, self.id_column: row_id, "side": side})
        order = rng.shuffled(features)
        out.table("private/holdout/features.csv", [self.id_column, *columns], order)
        out.table("private/holdout/labels.csv", [self.id_column, self.target, "slice"], labels)
        out.table("private/holdout/probes.csv", ["pair", self.id_column, "side"], probes)


def run(generate: Callable[[Output, int], None], seed: int) -> int:
    """The command line of a generator: `--out DIR` (required) and `--seed N`."""
    parser = argparse.ArgumentParser(description="Write a challenge's public/ and private/.")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    args = parser.parse_args()
    generate(Output(args.out), args.seed)
    return 0
