"""rules.md §7 enforced by decide: leading, following, rejections, capture."""

import pytest

from games.engine import Phase, Play, RuleViolation, decide

from .helpers import apply, turn_state

HANDS = [
    ["HORSE_BLACK", "SOLDIER_BLACK", "SOLDIER_BLACK", "SOLDIER_BLACK", "ADVISOR_RED"],
    ["CHARIOT_BLACK", "CHARIOT_RED", "HORSE_RED", "CANNON_RED", "SOLDIER_RED"],
    ["CHARIOT_BLACK", "SOLDIER_RED", "SOLDIER_RED", "SOLDIER_RED", "GENERAL_RED"],
    ["CANNON_RED", "ELEPHANT_RED", "ELEPHANT_BLACK", "ADVISOR_BLACK", "HORSE_BLACK"],
]


def play_all(st, plays, start=0):
    events = []
    for i, p in enumerate(plays):
        st, ev = apply(st, Play(seat=(start + i) % 4, pieces=tuple(p)))
        events += ev
    return st, events


def test_section7_example_first_follower_wins_the_tie() -> None:
    st = turn_state(HANDS)
    st, events = play_all(st, [["HORSE_BLACK"], ["CHARIOT_BLACK"], ["CHARIOT_BLACK"],
                               ["CANNON_RED"]])
    won = events[-1]
    assert won.type == "turn_won" and won.data["seat"] == 1 and won.data["piles"] == 1
    assert st.captured == (0, 1, 0, 0) and st.leader == 1
    assert [len(h) for h in st.hands] == [4, 4, 4, 4]


def test_section7_example_straight_does_not_beat_three_soldiers() -> None:
    st = turn_state(HANDS)
    st, events = play_all(st, [["SOLDIER_BLACK"] * 3,
                               ["CHARIOT_RED", "HORSE_RED", "CANNON_RED"],
                               ["CHARIOT_BLACK", "SOLDIER_RED", "GENERAL_RED"],
                               ["CANNON_RED", "ELEPHANT_RED", "HORSE_BLACK"]])
    assert events[-1].data["seat"] == 0 and st.captured == (3, 0, 0, 0)


def test_higher_three_soldiers_of_a_follower_win() -> None:
    st = turn_state(HANDS)
    st, events = play_all(st, [["SOLDIER_BLACK"] * 3,
                               ["CHARIOT_RED", "HORSE_RED", "CANNON_RED"],
                               ["SOLDIER_RED"] * 3,
                               ["CANNON_RED", "ELEPHANT_RED", "HORSE_BLACK"]])
    assert events[-1].data["seat"] == 2 and st.captured == (0, 0, 3, 0)
    assert st.leader == 2


def test_leader_must_play_a_valid_set_of_one_to_six() -> None:
    st = turn_state(HANDS)
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("HORSE_BLACK", "ADVISOR_RED")))
    assert e.value.code == "invalid_play"
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=()))
    assert e.value.code == "wrong_piece_count"


def test_pieces_must_be_in_hand_counting_multiplicity() -> None:
    st = turn_state(HANDS)
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("GENERAL_RED",)))
    assert e.value.code == "pieces_not_in_hand"
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("SOLDIER_BLACK",) * 4))
    assert e.value.code == "pieces_not_in_hand"
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("JOKER",)))
    assert e.value.code == "unknown_piece"


def test_followers_play_exactly_n_any_pieces_and_order_is_enforced() -> None:
    st = turn_state(HANDS)
    st, _ = apply(st, Play(seat=0, pieces=("SOLDIER_BLACK", "SOLDIER_BLACK")))
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=2, pieces=("SOLDIER_RED", "SOLDIER_RED")))
    assert e.value.code == "not_your_turn"
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("HORSE_BLACK", "ADVISOR_RED")))
    assert e.value.code == "already_played"
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=1, pieces=("CHARIOT_BLACK",)))
    assert e.value.code == "wrong_piece_count"
    st, events = apply(st, Play(seat=1, pieces=("CHARIOT_BLACK", "SOLDIER_RED")))  # invalid ok
    assert events[0].data["play_type"] == "INVALID" and events[0].data["value"] == 0


def test_playing_outside_turn_phase_is_refused() -> None:
    from games.engine.state import replace
    st = replace(turn_state(HANDS), phase=Phase.DECLARATION)
    with pytest.raises(RuleViolation) as e:
        decide(st, Play(seat=0, pieces=("HORSE_BLACK",)))
    assert e.value.code == "wrong_phase"
