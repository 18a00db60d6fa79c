"""rules.md §1 (pieces) and the weak-hand definition of §3."""

from collections import Counter

from games.engine import DECK, GLYPHS, KINDS, POINTS, is_weak_hand


def test_fourteen_kinds_with_distinct_points_1_to_14_strongest_first() -> None:
    assert len(KINDS) == 14
    assert sorted(POINTS.values()) == list(range(1, 15))
    assert [POINTS[k] for k in KINDS] == list(range(14, 0, -1))
    assert POINTS["GENERAL_RED"] == 14 and POINTS["SOLDIER_BLACK"] == 1
    assert POINTS["ELEPHANT_BLACK"] == 9 and POINTS["CHARIOT_RED"] == 8


def test_deck_has_32_pieces_16_per_colour_with_listed_copies() -> None:
    c = Counter(DECK)
    assert len(DECK) == 32
    assert sum(n for k, n in c.items() if k.endswith("_RED")) == 16
    assert c["GENERAL_RED"] == 1 and c["ADVISOR_BLACK"] == 2 and c["SOLDIER_RED"] == 5


def test_glyphs_are_traditional() -> None:
    assert "".join(GLYPHS[f"{n}_RED"] for n in
                   ["GENERAL", "ADVISOR", "ELEPHANT", "CHARIOT", "HORSE", "CANNON", "SOLDIER"]) \
        == "帥仕相俥傌炮兵"
    assert "".join(GLYPHS[f"{n}_BLACK"] for n in
                   ["GENERAL", "ADVISOR", "ELEPHANT", "CHARIOT", "HORSE", "CANNON", "SOLDIER"]) \
        == "將士象車馬砲卒"


def test_weak_hand_has_no_piece_above_nine() -> None:
    weak = ["ELEPHANT_BLACK"] * 2 + ["CHARIOT_RED"] * 2 + ["SOLDIER_RED"] * 4
    assert is_weak_hand(weak)
    assert not is_weak_hand(weak[:-1] + ["ELEPHANT_RED"])
    assert not is_weak_hand(weak[:-1] + ["ADVISOR_BLACK"])
    assert not is_weak_hand(weak[:-1] + ["GENERAL_BLACK"])
