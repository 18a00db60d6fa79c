"""rules.md §8 scoring table and example."""

import pytest

from games.engine import round_score


@pytest.mark.parametrize("d,a,expected", [
    (0, 0, 3), (0, 2, -2), (3, 3, 8), (3, 1, -2), (2, 5, -3), (8, 8, 13), (1, 0, -1),
])
def test_base_scores(d, a, expected) -> None:
    assert round_score(d, a, 1) == expected


def test_section8_example_one_redeal_doubles() -> None:
    assert round_score(3, 3, 2) == 16


def test_multiplier_applies_to_penalties() -> None:
    assert round_score(0, 2, 3) == -6
