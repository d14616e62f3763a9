"""Scoring through a rubric: weights normalise, criteria nothing could score are left to the
interviewer (never zero), the order of findings does not matter, results round-trip."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.challenges.catalog import BUNDLED
from harness.checks import known_check_ids
from harness.errors import HarnessError
from harness.models import DIMENSION_NAMES, Finding
from harness.rubric import Rubric, load_rubric
from harness.scoring import score_dimensions, weighted

RUBRIC = load_rubric(BUNDLED.parent / "rubrics" / "customer-churn.toml", known_check_ids())
CHECK_IDS = sorted({c for criteria in RUBRIC.dimensions.values() for k in criteria
                    for c in k.checks})  # fmt: skip


def finding(check: str, score: float | None) -> Finding:
    status = "skipped" if score is None else "pass"
    dimension = next(d for d, cs in RUBRIC.dimensions.items() if any(check in c.checks for c in cs))
    return Finding(check=check, dimension=dimension, status=status, score=score, message="m")


scores = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
findings_strategy = st.lists(
    st.tuples(st.sampled_from(CHECK_IDS), scores), unique_by=lambda t: t[0]
)


@given(findings_strategy, st.randoms())
def test_the_score_does_not_depend_on_the_order_of_findings(
    pairs: list[tuple[str, float | None]], shuffler: random.Random
) -> None:
    found = [finding(check, score) for check, score in pairs]
    shuffled = list(found)
    shuffler.shuffle(shuffled)
    assert score_dimensions(RUBRIC, found) == score_dimensions(RUBRIC, shuffled)


@given(findings_strategy)
def test_dimension_scores_are_weighted_means_within_bounds(
    pairs: list[tuple[str, float | None]],
) -> None:
    dimensions = score_dimensions(RUBRIC, [finding(c, s) for c, s in pairs])
    assert set(dimensions) == set(DIMENSION_NAMES)
    for dimension in dimensions.values():
        scored = [c for c in dimension.criteria if c.score is not None]
        if not scored:
            assert dimension.score is None
            continue
        assert dimension.score is not None
        low, high = min(c.score for c in scored if c.score is not None), max(
            c.score for c in scored if c.score is not None)  # fmt: skip
        assert low - 1e-6 <= dimension.score <= high + 1e-6


@given(st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=6),
       st.floats(min_value=0.01, max_value=100))  # fmt: skip
def test_weights_normalise(weights: list[float], factor: float) -> None:
    from harness.models import Criterion

    criteria = [Criterion(id=f"c{i}", weight=w, score=i / 10, automatic=True)
                for i, w in enumerate(weights)]  # fmt: skip
    scaled = [c.model_copy(update={"weight": c.weight * factor}) for c in criteria]
    assert weighted(criteria) == pytest.approx(weighted(scaled), abs=1e-3)


def test_a_criterion_nothing_scored_is_left_to_the_interviewer_not_zero() -> None:
    found = [finding("correctness.holdout", 0.8), finding("trap.estimate", None)]
    dimensions = score_dimensions(RUBRIC, found)
    correctness = {c.id: c for c in dimensions["correctness"].criteria}
    assert correctness["holdout"].score == 0.8 and correctness["holdout"].automatic
    assert correctness["runs"].score is None and not correctness["runs"].automatic
    assert dimensions["correctness"].score == 0.8  # the unscored criterion is left out
    cleaning = {c.id: c for c in dimensions["data_judgment"].criteria}["cleaning"]
    assert cleaning.score is None and not cleaning.automatic
    assert correctness["holdout"].level and correctness["holdout"].level.startswith("strong: ")


def test_results_round_trip_through_json() -> None:
    dimensions = score_dimensions(RUBRIC, [finding(c, 0.5) for c in CHECK_IDS])
    for dimension in dimensions.values():
        assert type(dimension).model_validate_json(dimension.model_dump_json()) == dimension


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('checks = ["correctness.holdout"]', 'checks = ["correctness.nope"]'),
         "correctness[2].checks: unknown check 'correctness.nope'"),
        (("weight = 4", "weight = 0"), "correctness[2].weight"),
        (("[[communication]]", "[[communications]]"), "communications: not a dimension"),
    ],
)  # fmt: skip
def test_rubric_errors_name_the_file_and_the_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    text = (BUNDLED.parent / "rubrics" / "customer-churn.toml").read_text()
    broken = tmp_path / "rubric.toml"
    broken.write_text(text.replace(*edit, 1))
    with pytest.raises(HarnessError) as caught:
        load_rubric(broken, known_check_ids())
    assert str(broken) in caught.value.one_line() and message in caught.value.one_line()


def test_every_bundled_rubric_names_only_known_checks() -> None:
    for path in sorted((BUNDLED.parent / "rubrics").glob("*.toml")):
        rubric: Rubric = load_rubric(path, known_check_ids())
        assert all(rubric.dimensions[name] for name in DIMENSION_NAMES)
