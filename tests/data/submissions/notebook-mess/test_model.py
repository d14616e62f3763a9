import pytest


def test_one() -> None:
    assert True


async def test_two() -> None:
    assert True


def helper() -> None:
    pass


class TestModel:
    def test_three(self) -> None:
        assert True

    def not_a_test(self) -> None:
        pass
