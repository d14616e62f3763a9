"""The trap verdict's rule: behaviour decides, words only tell `missed` from `noticed`."""

from __future__ import annotations

import pytest

from harness.trap_assessment import trap_verdict


@pytest.mark.parametrize(
    ("leaning", "named", "verdict"),
    [
        ([False, False, False], False, "handled"),
        ([False, False, False], True, "handled"),
        ([True, False, False], True, "noticed_not_handled"),
        ([True, True, True], True, "noticed_not_handled"),
        ([True, True, True], False, "missed"),
        ([None, True], False, "missed"),
        ([None, False], False, "handled"),
        ([None, None], True, "unknown"),
        ([], True, "unknown"),
    ],
)
def test_the_rule(leaning: list[bool | None], named: bool, verdict: str) -> None:
    assert trap_verdict(leaning, named) == verdict


def test_words_never_turn_leaning_into_handled() -> None:
    for named in (False, True):
        assert trap_verdict([True], named) != "handled"
