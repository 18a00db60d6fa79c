"""rules.md §6 (play types, values, comparison) and §7 (turn winner)."""

from collections import Counter
from itertools import combinations_with_replacement, permutations

import pytest

from games.engine import DECK, KINDS, PlayType, classify, compare, play_value, resolve_turn
from games.engine.plays import valid_plays

DECK_COUNT = Counter(DECK)


def all_multisets(max_size: int = 6):
    for n in range(0, max_size + 1):
        for combo in combinations_with_replacement(KINDS, n):
            c = Counter(combo)
            if all(c[k] <= DECK_COUNT[k] for k in c):
                yield combo


def test_there_are_exactly_56_distinct_valid_plays() -> None:
    valid = [m for m in all_multisets() if classify(m) is not PlayType.INVALID]
    assert len(valid) == 56
    by_type = Counter(classify(m) for m in valid)
    assert by_type == {
        PlayType.SINGLE: 14, PlayType.PAIR: 12, PlayType.THREE_OF_A_KIND: 2,
        PlayType.STRAIGHT: 4, PlayType.FOUR_OF_A_KIND: 2, PlayType.EXTENDED_STRAIGHT: 10,
        PlayType.EXTENDED_STRAIGHT_5: 8, PlayType.FIVE_OF_A_KIND: 2,
        PlayType.DOUBLE_STRAIGHT: 2,
    }


def test_valid_plays_of_the_full_deck_lists_all_56() -> None:
    plays = valid_plays(list(DECK))
    assert len(plays) == len(set(plays)) == 56
    assert all(classify(p) is not PlayType.INVALID for p in plays)


def test_seven_or_more_pieces_are_invalid() -> None:
    assert classify(["SOLDIER_RED"] * 5 + ["SOLDIER_BLACK"] * 2) is PlayType.INVALID
    assert classify([]) is PlayType.INVALID


@pytest.mark.parametrize("pieces,ptype,value", [
    (["SOLDIER_BLACK"], PlayType.SINGLE, 1),
    (["ADVISOR_RED", "ADVISOR_RED"], PlayType.PAIR, 24),
    (["SOLDIER_RED"] * 3, PlayType.THREE_OF_A_KIND, 6),
    (["GENERAL_BLACK", "ADVISOR_BLACK", "ELEPHANT_BLACK"], PlayType.STRAIGHT, 33),
    (["CHARIOT_RED", "HORSE_RED", "CANNON_RED"], PlayType.STRAIGHT, 18),
    (["SOLDIER_BLACK"] * 4, PlayType.FOUR_OF_A_KIND, 4),
    (["CHARIOT_RED", "CHARIOT_RED", "HORSE_RED", "CANNON_RED"], PlayType.EXTENDED_STRAIGHT, 18),
    (["GENERAL_RED", "ADVISOR_RED", "ELEPHANT_RED", "ELEPHANT_RED"],
     PlayType.EXTENDED_STRAIGHT, 36),
    (["CHARIOT_BLACK", "CHARIOT_BLACK", "HORSE_BLACK", "HORSE_BLACK", "CANNON_BLACK"],
     PlayType.EXTENDED_STRAIGHT_5, 15),
    (["SOLDIER_RED"] * 5, PlayType.FIVE_OF_A_KIND, 10),
    (["CHARIOT_RED"] * 2 + ["HORSE_RED"] * 2 + ["CANNON_RED"] * 2, PlayType.DOUBLE_STRAIGHT, 36),
])
def test_each_play_type_and_its_value(pieces, ptype, value) -> None:
    assert classify(pieces) is ptype
    assert play_value(pieces) == value


@pytest.mark.parametrize("pieces", [
    ["ADVISOR_RED", "ADVISOR_BLACK"],                      # mixed colours
    ["CHARIOT_RED", "HORSE_RED"],                          # two different pieces
    ["CHARIOT_RED", "CHARIOT_RED", "HORSE_RED", "HORSE_RED"],  # 2-2 four-piece set
    ["SOLDIER_RED", "SOLDIER_RED", "SOLDIER_BLACK"],       # mixed soldiers
    ["GENERAL_RED", "ADVISOR_RED", "CHARIOT_RED"],         # across groups
    ["CHARIOT_RED", "HORSE_RED", "CANNON_BLACK"],          # straight, mixed colour
    ["CHARIOT_RED", "CHARIOT_RED", "CHARIOT_RED", "HORSE_RED"],  # 3-1
    ["NOT_A_PIECE"],
])
def test_invalid_sets(pieces) -> None:
    assert classify(pieces) is PlayType.INVALID


def test_classification_does_not_depend_on_order() -> None:
    base = ("CHARIOT_BLACK", "HORSE_BLACK", "HORSE_BLACK", "CANNON_BLACK", "CANNON_BLACK")
    assert {classify(p) for p in permutations(base)} == {PlayType.EXTENDED_STRAIGHT_5}


def test_compare_only_same_type_higher_value_wins() -> None:
    assert compare(["CHARIOT_BLACK"], ["HORSE_BLACK"]) == 1
    assert compare(["HORSE_BLACK"], ["CHARIOT_BLACK"]) == -1
    assert compare(["HORSE_BLACK"], ["HORSE_BLACK"]) == 0
    assert compare(["SOLDIER_RED"] * 2, ["GENERAL_RED"]) is None
    assert compare(["CHARIOT_RED", "HORSE_RED"], ["CHARIOT_RED", "HORSE_RED"]) is None
    # extended straights compare on distinct kinds only: CH+H+CA red = 18 either way
    a = ["CHARIOT_RED", "CHARIOT_RED", "HORSE_RED", "CANNON_RED"]
    b = ["CHARIOT_RED", "HORSE_RED", "HORSE_RED", "CANNON_RED"]
    assert compare(a, b) == 0


def test_section7_example_tie_goes_to_earlier_follower() -> None:
    plays = [["HORSE_BLACK"], ["CHARIOT_BLACK"], ["CHARIOT_BLACK"], ["CANNON_RED"]]
    assert resolve_turn(plays) == 1


def test_section7_example_only_leader_type_can_win() -> None:
    lead = ["SOLDIER_BLACK"] * 3
    straight = ["CHARIOT_RED", "HORSE_RED", "CANNON_RED"]
    assert resolve_turn([lead, straight, ["GENERAL_RED", "ADVISOR_RED", "SOLDIER_RED"],
                         ["SOLDIER_BLACK", "CANNON_RED", "HORSE_BLACK"]]) == 0
    assert resolve_turn([lead, straight, ["SOLDIER_RED"] * 3, ["CANNON_RED"] * 3]) == 2


def test_invalid_follower_never_wins() -> None:
    assert resolve_turn([["SOLDIER_BLACK"] * 2, ["GENERAL_RED", "ADVISOR_RED"],
                         ["ADVISOR_BLACK", "ADVISOR_RED"], ["SOLDIER_RED"] * 2]) == 3
