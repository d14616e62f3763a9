"""The generator helpers: the same seed gives the same draws and bytes, every time."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from harness.challenges.datagen import Holdout, Output, Rng


def test_the_first_draws_of_a_seed_are_pinned() -> None:
    """If these change, every challenge's committed data changes: validate would fail."""
    rng = Rng(42)
    assert [round(rng.uniform(), 6) for _ in range(3)] == [0.639427, 0.025011, 0.275029]
    assert Rng(7).opaque_ids(3, "x") == ["x-f0d4214d29", "x-116d13af96", "x-52a1850806"]
    assert round(Rng(42).normal(), 9) == 1.410727705
    assert Rng(42).poisson(2.0) == 1


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=20))
def test_integers_stay_in_range_and_repeat(seed: int, high: int) -> None:
    assert Rng(seed).integer(0, high) == Rng(seed).integer(0, high)
    rng = Rng(seed)
    assert all(0 <= rng.integer(0, high) <= high for _ in range(50))


@given(st.lists(st.integers(), min_size=0, max_size=30), st.integers(min_value=0))
def test_shuffled_is_a_permutation(items: list[int], seed: int) -> None:
    assert sorted(Rng(seed).shuffled(items)) == sorted(items)


def test_choice_follows_its_weights() -> None:
    rng = Rng(1)
    picks = [rng.choice(["a", "b"], [0.9, 0.1]) for _ in range(2000)]
    assert 0.86 < picks.count("a") / 2000 < 0.94


def test_normal_draws_have_the_asked_mean_and_spread() -> None:
    rng = Rng(3)
    draws = [rng.normal(10.0, 2.0) for _ in range(4000)]
    mean = sum(draws) / len(draws)
    sd = (sum((d - mean) ** 2 for d in draws) / len(draws)) ** 0.5
    assert abs(mean - 10.0) < 0.15 and abs(sd - 2.0) < 0.1


def test_csv_output_has_fixed_line_endings_and_blank_cells(tmp_path: Path) -> None:
    out = Output(tmp_path)
    path = out.table("a/b.csv", ["x", "y"], [{"x": 1, "y": None}, {"x": "t,u", "y": 2.5}])
    assert path.read_bytes() == b'x,y\n1,\n"t,u",2.5\n'
    assert out.written == [path]


def test_holdout_rows_get_opaque_ids_and_stay_apart(tmp_path: Path) -> None:
    holdout = Holdout("row_id", "y")
    for n in range(10):
        holdout.add({"f": n}, n % 2, "ordinary" if n < 5 else "scoring_time")
    for n in range(3):
        holdout.pair({"f": 100 + n}, {"f": 200 + n})
    holdout.write(Output(tmp_path), Rng(5), ["f"], "r")
    features = _rows(tmp_path / "private/holdout/features.csv")
    labels = _rows(tmp_path / "private/holdout/labels.csv")
    probes = _rows(tmp_path / "private/holdout/probes.csv")
    ids = [row["row_id"] for row in features]
    assert len(ids) == len(set(ids)) == 16
    assert all(i.startswith("r-") and len(i) == 12 for i in ids)
    assert {r["row_id"] for r in labels} | {r["row_id"] for r in probes} == set(ids)
    assert [r["f"] for r in features] != [str(n) for n in range(10)] + ["100", "200"] * 3
    assert {r["slice"] for r in labels} == {"ordinary", "scoring_time"}
    by_id = {r["row_id"]: r["f"] for r in features}
    pairs = {(r["pair"], r["side"]): by_id[r["row_id"]] for r in probes}
    assert pairs[("0", "a")] == "100" and pairs[("0", "b")] == "200"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))
