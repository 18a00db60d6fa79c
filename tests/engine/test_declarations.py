"""rules.md §5: declaration range, last-declarer rule, zero streak."""

from games.engine import allowed_declarations


def test_first_declarers_may_say_anything_0_to_8() -> None:
    assert allowed_declarations([], 0) == set(range(9))
    assert allowed_declarations([3, 2], 0) == set(range(9))


def test_last_declarer_may_not_make_the_total_exactly_8() -> None:
    assert allowed_declarations([2, 2, 1], 0) == set(range(9)) - {3}
    assert allowed_declarations([0, 0, 0], 0) == set(range(9)) - {8}


def test_last_declarer_unconstrained_when_total_already_above_8() -> None:
    assert allowed_declarations([4, 4, 1], 0) == set(range(9))


def test_zero_streak_of_two_forbids_zero() -> None:
    assert allowed_declarations([], 1) == set(range(9))
    assert allowed_declarations([], 2) == set(range(1, 9))
    assert allowed_declarations([3, 3, 2], 2) == set(range(1, 9))  # 0 forbidden twice over
    assert allowed_declarations([3, 3, 1], 2) == set(range(2, 9))
