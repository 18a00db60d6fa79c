"""rules.md §2 play order, awaiting/pending actions, and the evolve memo's safety."""

import pytest

from games.engine import (
    Event,
    GameState,
    Phase,
    RuleViolation,
    StartGame,
    awaiting,
    decide,
    evolve,
    pending_system_action,
    replay,
    state_to_json,
)
from games.engine.state import play_order


def test_play_order_rotates_from_x_with_wrap_around() -> None:
    assert play_order(0) == (0, 1, 2, 3)
    assert play_order(2) == (2, 3, 0, 1)
    assert play_order(3) == (3, 0, 1, 2)


def test_waiting_room_has_no_actions() -> None:
    st = GameState.initial()
    assert st.phase is Phase.WAITING and awaiting(st) == () and pending_system_action(st) is None


def test_decide_never_mutates_and_replay_recomputes() -> None:
    st = GameState.initial()
    before = state_to_json(st)
    events = decide(st, StartGame(seed="m"))
    assert state_to_json(st) == before
    live = st
    for e in events:
        live = evolve(live, e)
    # a fresh fold from equal-but-distinct events gives the same state
    copies = [Event(e.type, dict(e.data)) for e in events]
    assert replay(copies) == live


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(RuleViolation) as e:
        evolve(GameState.initial(), Event("nonsense", {}))
    assert e.value.code == "unknown_event"
