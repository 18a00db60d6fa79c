"""rules.md §8-§9 through decide: scoring, resting in SCORING, next round, game over."""

import pytest

from games.engine import (
    SHUFFLE_VERSION,
    Phase,
    Play,
    RuleViolation,
    StartGame,
    StartNextRound,
    awaiting,
    decide,
    pending_system_action,
    verify_deal,
)
from games.engine.state import replace

from .helpers import apply, turn_state

LAST = [["GENERAL_RED"], ["SOLDIER_BLACK"], ["SOLDIER_RED"], ["CANNON_BLACK"]]


def finish(st):
    events = []
    for s in range(4):
        st, ev = apply(st, Play(seat=s, pieces=tuple(st.hands[s])))
        events += ev
    return st, events


def last_turn_state(**kw):
    st = turn_state(LAST, **kw)
    return replace(st, turn_number=8)


def test_section8_example_three_of_three_with_one_redeal_scores_16() -> None:
    st = last_turn_state(declarations=(3, 2, 0, 1), captured=(2, 2, 0, 3))
    st = replace(st, multiplier=2)
    st, events = finish(st)
    scored = next(e for e in events if e.type == "round_scored")
    rows = scored.data["seats"]
    assert [r["captured"] for r in rows] == [3, 2, 0, 3]
    assert [r["base"] for r in rows] == [8, 7, 3, -2]
    assert [r["score"] for r in rows] == [16, 14, 6, -4]
    assert st.totals == (16, 14, 6, -4)
    assert st.perfect_rounds == (1, 1, 0, 0)
    assert st.zero_streaks == (0, 0, 1, 0)


def test_round_rests_in_scoring_then_next_round_starts_with_last_turn_winner() -> None:
    st = last_turn_state(declarations=(1, 2, 2, 1), captured=(0, 3, 2, 2))
    st, events = finish(st)
    assert st.phase is Phase.SCORING and awaiting(st) == ()
    assert pending_system_action(st) == "start_next_round"
    # seeds of every deal of the round are revealed and verifiable
    for d in events[-1].data["deals"]:
        assert d["seed"] and d["commitment"]
    with pytest.raises(RuleViolation):
        decide(st, Play(seat=0, pieces=("GENERAL_RED",)))
    with pytest.raises(RuleViolation) as e:
        decide(st, StartNextRound(seed=""))
    assert e.value.code == "missing_seed"
    from .helpers import find_seed, no_weak
    seed = find_seed(no_weak)
    st2, ev2 = apply(st, StartNextRound(seed=seed))
    assert st2.round_number == st.round_number + 1 and st2.multiplier == 1
    assert st2.round_starter == 0  # seat 0 won the last turn with GENERAL_RED
    assert st2.declarations == (None,) * 4 and st2.captured == (0,) * 4
    dealt = next(e for e in ev2 if e.type == "hands_dealt")
    assert dealt.data["shuffle"] == SHUFFLE_VERSION == 2
    assert verify_deal(dealt.data["seed"], dealt.data["commitment"], dealt.data["hands"],
                       dealt.data["shuffle"])


def test_start_next_round_only_in_scoring() -> None:
    st = last_turn_state()
    with pytest.raises(RuleViolation) as e:
        decide(st, StartNextRound(seed="x"))
    assert e.value.code == "wrong_phase"


def test_game_over_when_someone_reaches_target_and_ties_share_the_win() -> None:
    st = last_turn_state(declarations=(1, 0, 0, 2), captured=(0, 0, 0, 3), target_score=50)
    st = replace(st, totals=(40, 47, 47, 10))
    st, events = finish(st)
    # seat 0 captures 1 → 1+5 = 6 → 46; seats 1, 2: +3 → 50 each; seat 3: -1 → 9
    assert st.totals == (46, 50, 50, 9)
    over = events[-1]
    assert over.type == "game_over"
    assert over.data["winners"] == [1, 2] and over.data["ranking"] == [1, 2, 0, 3]
    assert st.phase is Phase.GAME_OVER and st.winners == (1, 2)
    assert pending_system_action(st) is None and awaiting(st) == ()


def test_below_target_no_game_over_and_totals_may_go_negative() -> None:
    st = last_turn_state(declarations=(1, 0, 0, 8), captured=(0, 0, 0, 3))
    st = replace(st, totals=(0, 0, 0, -3))
    st, events = finish(st)
    assert events[-1].type == "round_scored" and st.totals[3] == -8


def test_play_again_after_game_over_resets_totals() -> None:
    st = last_turn_state(declarations=(1, 0, 0, 2), captured=(0, 0, 0, 3), target_score=5)
    st, _ = finish(st)
    assert st.phase is Phase.GAME_OVER
    st2, events = apply(st, StartGame(seed="again", players=("w", "x", "y", "z")))
    assert st2.totals == (0, 0, 0, 0) and st2.round_number == 1 and st2.players[0] == "w"
    assert st2.perfect_rounds == (0, 0, 0, 0)
