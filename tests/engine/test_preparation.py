"""rules.md §2-§4 through decide: starting, weak hands, redeals, round starter."""

import pytest

from games.engine import (
    ActForSeat,
    CloseRedealWindow,
    GameState,
    Phase,
    RedealDecision,
    RuleViolation,
    StartGame,
    awaiting,
    deal_from_seed,
    decide,
    pending_system_action,
)
from games.engine.state import play_order

from .helpers import apply, find_seed, no_weak, weak_seats


def gr_holder(hands) -> int:
    return next(i for i, h in enumerate(hands) if "GENERAL_RED" in h)


def test_start_game_deals_round_one_and_general_red_holder_starts() -> None:
    seed = find_seed(no_weak)
    st, events = apply(GameState.initial(), StartGame(seed=seed, players=("a", "b", "c", "d")))
    assert [e.type for e in events] == ["game_started", "round_started", "hands_dealt",
                                        "deal_stands"]
    assert st.phase is Phase.DECLARATION and st.round_number == 1 and st.multiplier == 1
    assert st.round_starter == gr_holder(deal_from_seed(seed))
    assert awaiting(st) == (st.round_starter,)
    assert st.players == ("a", "b", "c", "d")


def test_start_game_needs_four_players_a_seed_and_the_right_phase() -> None:
    with pytest.raises(RuleViolation) as e:
        decide(GameState.initial(), StartGame(seed="x", players=("a", "b", "c")))
    assert e.value.code == "seats_not_full"
    with pytest.raises(RuleViolation) as e:
        decide(GameState.initial(), StartGame(seed="x", players=("a", "b", "c", "")))
    assert e.value.code == "seats_not_full"
    with pytest.raises(RuleViolation) as e:
        decide(GameState.initial(), StartGame(seed=""))
    assert e.value.code == "missing_seed"
    st, _ = apply(GameState.initial(), StartGame(seed="x"))
    with pytest.raises(RuleViolation) as e:
        decide(st, StartGame(seed="y"))
    assert e.value.code == "wrong_phase"


def test_weak_hands_get_a_redeal_offer_at_the_same_time() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) >= 2)
    st, events = apply(GameState.initial(), StartGame(seed=seed))
    assert events[-1].type == "redeal_offered"
    assert events[-1].data["weak_seats"] == weak_seats(deal_from_seed(seed))
    assert st.phase is Phase.PREPARATION
    assert awaiting(st) == tuple(weak_seats(deal_from_seed(seed)))
    assert pending_system_action(st) == "close_redeal_window"


def test_non_weak_players_cannot_ask_and_nobody_decides_twice() -> None:
    seed = find_seed(lambda h: 1 <= len(weak_seats(h)) <= 2)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    strong = next(s for s in range(4) if s not in st.weak_seats)
    with pytest.raises(RuleViolation) as e:
        decide(st, RedealDecision(seat=strong, accept=True, seed="n"))
    assert e.value.code == "not_weak"
    if len(st.weak_seats) == 2:
        w = st.weak_seats[0]
        st2, _ = apply(st, RedealDecision(seat=w, accept=False))
        with pytest.raises(RuleViolation) as e:
            decide(st2, RedealDecision(seat=w, accept=True, seed="n"))
        assert e.value.code == "already_decided"


def test_nobody_accepts_the_deal_stands() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) == 1)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    st, events = apply(st, RedealDecision(seat=st.weak_seats[0], accept=False, seed="unused"))
    assert [e.type for e in events] == ["redeal_decided", "redeal_declined_all", "deal_stands"]
    assert st.phase is Phase.DECLARATION and st.multiplier == 1
    assert st.round_starter == gr_holder(deal_from_seed(seed))
    assert len(st.deals) == 1


def test_first_accepter_in_play_order_from_the_starter_wins_the_redeal() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) >= 2)
    hands = deal_from_seed(seed)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    weak = list(st.weak_seats)
    for w in weak[:-1]:
        st, _ = apply(st, RedealDecision(seat=w, accept=True))
    st, events = apply(st, RedealDecision(seat=weak[-1], accept=True, seed="second-deal"))
    expected = next(s for s in play_order(gr_holder(hands)) if s in weak)
    won = next(e for e in events if e.type == "redeal_won")
    assert won.data == {"seat": expected, "multiplier": 2}
    assert st.multiplier == 2 and len(st.deals) == 2
    assert st.deals[-1].seed == "second-deal"
    assert st.hands == deal_from_seed("second-deal")
    assert st.prospective_starter == expected
    if st.phase is Phase.DECLARATION:
        assert st.round_starter == expected  # redeal winner starts (§4.1)


def test_redeal_resolution_needs_a_seed() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) == 1)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    with pytest.raises(RuleViolation) as e:
        decide(st, RedealDecision(seat=st.weak_seats[0], accept=True))
    assert e.value.code == "missing_seed"


def test_repeated_redeals_raise_multiplier_and_order_from_last_winner() -> None:
    # deal 1 with one weak seat; deal 2 (its redeal) with ≥2 weak seats
    seed2 = find_seed(lambda h: len(weak_seats(h)) >= 2, "second")
    seed1 = find_seed(lambda h: len(weak_seats(h)) == 1)
    st, _ = apply(GameState.initial(), StartGame(seed=seed1))
    w1 = st.weak_seats[0]
    st, _ = apply(st, RedealDecision(seat=w1, accept=True, seed=seed2))
    assert st.multiplier == 2 and st.redeal_open and st.prospective_starter == w1
    weak = list(st.weak_seats)
    for w in weak[:-1]:
        st, _ = apply(st, RedealDecision(seat=w, accept=True))
    seed3 = find_seed(no_weak, "third")
    st, events = apply(st, RedealDecision(seat=weak[-1], accept=True, seed=seed3))
    expected = next(s for s in play_order(w1) if s in weak)
    assert st.multiplier == 3
    assert st.phase is Phase.DECLARATION and st.round_starter == expected


def test_close_window_makes_undecided_weak_players_decline() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) >= 2)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    st, events = apply(st, CloseRedealWindow(seed="x"))
    decided = [e for e in events if e.type == "redeal_decided"]
    assert all(e.data["accept"] is False and e.data["auto"] == "timeout" for e in decided)
    assert st.phase is Phase.DECLARATION and st.multiplier == 1
    with pytest.raises(RuleViolation) as e:
        decide(st, CloseRedealWindow(seed="x"))
    assert e.value.code == "wrong_phase"


def test_close_window_counts_earlier_accepts() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) >= 2)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    last = st.weak_seats[-1]
    st, _ = apply(st, RedealDecision(seat=last, accept=True))
    st, events = apply(st, CloseRedealWindow(seed="fresh"))
    assert any(e.type == "redeal_won" and e.data["seat"] == last for e in events)


def test_disconnected_weak_player_declines() -> None:
    seed = find_seed(lambda h: len(weak_seats(h)) == 1)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    w = st.weak_seats[0]
    st, events = apply(st, ActForSeat(seat=w, reason="disconnected", seed="z"))
    assert events[0].type == "redeal_decided"
    assert events[0].data == {"seat": w, "accept": False, "auto": "disconnected"}
    assert st.phase is Phase.DECLARATION


def test_act_for_seat_only_for_a_seat_that_may_act() -> None:
    seed = find_seed(no_weak)
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    other = (st.round_starter + 1) % 4
    with pytest.raises(RuleViolation) as e:
        decide(st, ActForSeat(seat=other, seed="q"))
    assert e.value.code == "not_your_turn"
    with pytest.raises(RuleViolation) as e:
        decide(st, ActForSeat(seat=st.round_starter, reason="nap", seed="q"))
    assert e.value.code == "bad_command"
    st2, events = apply(st, ActForSeat(seat=st.round_starter, reason="timeout", seed="q"))
    assert events[0].type == "declared" and events[0].data["auto"] == "timeout"
