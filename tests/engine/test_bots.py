"""bots.py: legal, deterministic, view-only, and sensible (rules.md §10)."""

from dataclasses import replace as dc_replace

import pytest

from games.engine import (
    Declare,
    GameState,
    Play,
    RedealDecision,
    StartGame,
    allowed_declarations,
    decide,
    view,
)
from games.engine.bots import HashRng, choose_command, estimate_piles
from games.engine.state import replace

from .helpers import apply, find_seed, no_weak, started, turn_state, weak_seats


@pytest.mark.parametrize("strategy", ["random", "strategic"])
def test_same_view_and_seed_give_the_same_command(strategy) -> None:
    st = started()
    v = view(st, st.round_starter)
    assert choose_command(v, strategy, "k") == choose_command(v, strategy, "k")


def test_bot_refuses_a_seat_with_nothing_to_do() -> None:
    st = started()
    with pytest.raises(ValueError):
        choose_command(view(st, (st.round_starter + 1) % 4))
    with pytest.raises(ValueError):
        choose_command(view(st, None))


def test_strategic_declaration_is_always_legal_for_last_declarer_and_zero_streak() -> None:
    for i in range(60):
        st = started(find_seed(no_weak, f"b{i}"))
        order = [(st.round_starter + k) % 4 for k in range(4)]
        for s in order[:3]:
            st, _ = apply(st, choose_command(view(st, s), "strategic", f"{i}"))
        last = order[3]
        st = replace(st, zero_streaks=tuple(2 if s == last else 0 for s in range(4)))
        cmd = choose_command(view(st, last), "strategic", f"{i}")
        prev = [st.declarations[s] for s in order[:3]]
        assert isinstance(cmd, Declare) and cmd.value in allowed_declarations(prev, 2)
        decide(st, cmd)


def test_strong_hand_declares_more_than_weak_hand() -> None:
    strong = ["GENERAL_RED", "GENERAL_BLACK", "ADVISOR_RED", "ADVISOR_RED", "ELEPHANT_RED",
              "ADVISOR_BLACK", "CHARIOT_RED", "SOLDIER_RED"]
    weak = ["ELEPHANT_BLACK", "CHARIOT_BLACK", "HORSE_BLACK", "CANNON_RED", "SOLDIER_RED",
            "SOLDIER_BLACK", "SOLDIER_BLACK", "CANNON_BLACK"]
    assert estimate_piles(strong, False) >= 3 > estimate_piles(weak, False)


def test_strategic_accepts_a_redeal_most_of_the_time() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) >= 1)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    w = st.weak_seats[0]
    accepts = sum(choose_command(view(st, w), "strategic", f"r{i}").accept for i in range(200))
    assert 130 <= accepts <= 190
    assert isinstance(choose_command(view(st, w), "random", "x"), RedealDecision)


def test_strategic_dumps_when_it_has_enough_and_wins_when_it_needs() -> None:
    hands = [["SOLDIER_BLACK"], ["GENERAL_RED"], ["SOLDIER_RED"], ["CANNON_BLACK"]]
    st = turn_state(hands, declarations=(0, 1, 0, 2), captured=(0, 0, 0, 0))
    st, _ = apply(st, Play(seat=0, pieces=("SOLDIER_BLACK",)))
    cmd = choose_command(view(st, 1), "strategic", "x")
    assert cmd.pieces == ("GENERAL_RED",)  # needs 1 pile: takes it
    hands2 = [["HORSE_BLACK", "SOLDIER_BLACK"], ["ADVISOR_RED", "SOLDIER_RED"],
              ["SOLDIER_RED", "SOLDIER_RED"], ["CANNON_BLACK", "CANNON_RED"]]
    st = turn_state(hands2, declarations=(1, 1, 0, 2), captured=(0, 1, 0, 0))
    st, _ = apply(st, Play(seat=0, pieces=("HORSE_BLACK",)))
    cmd = choose_command(view(st, 1), "strategic", "x")
    assert cmd.pieces == ("SOLDIER_RED",)  # already has its 1: does not beat the horse


def test_strategic_leader_with_enough_piles_leads_its_weakest_single() -> None:
    st = turn_state([["GENERAL_RED", "SOLDIER_BLACK"], ["HORSE_RED", "CANNON_RED"],
                     ["HORSE_BLACK", "CANNON_BLACK"], ["SOLDIER_RED", "SOLDIER_RED"]],
                    declarations=(0, 1, 1, 2))
    assert choose_command(view(st, 0), "strategic", "x").pieces == ("SOLDIER_BLACK",)


def test_random_bot_plays_legal_moves() -> None:
    st = turn_state([["SOLDIER_RED"] * 3 + ["GENERAL_RED"], ["HORSE_RED"] * 2 + ["CANNON_RED"] * 2,
                     ["HORSE_BLACK"] * 2 + ["CANNON_BLACK"] * 2, ["SOLDIER_BLACK"] * 4])
    for i in range(30):
        cmd = choose_command(view(st, 0), "random", f"{i}")
        st2, _ = apply(st, cmd)
        follow = choose_command(view(st2, 1), "random", f"{i}")
        assert len(follow.pieces) == len(cmd.pieces)
        apply(st2, dc_replace(follow))


def test_hash_rng_is_deterministic_and_in_range() -> None:
    a, b = HashRng("s"), HashRng("s")
    xs = [a.below(7) for _ in range(50)]
    assert xs == [b.below(7) for _ in range(50)] and set(xs) <= set(range(7))
    assert sorted(HashRng("t").sample(list(range(8)), 8)) == list(range(8))
    assert 0 <= HashRng("u").random() < 1
