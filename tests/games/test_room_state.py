"""Folding a room: events decide just emitted are not folded a second time."""

from __future__ import annotations

from types import SimpleNamespace

from games import engine
from games.room_state import RoomState, fold


def _pending(events: list[engine.Event], after: int, with_objects: bool) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(type=e.type, data=e.data, recorded_at=None, version=after + i,
                        **({"event": e} if with_objects else {}))
        for i, e in enumerate(events, 1)
    ]


def _room_in_play() -> tuple[RoomState, engine.Command]:
    events, game = engine.decide_and_evolve(
        engine.GameState.initial(),
        engine.StartGame(seed="fold", players=("A", "B", "C", "D"), target_score=10),
    )
    state = fold(_pending(events, 0, with_objects=False))
    seat = engine.awaiting(game)[0]
    from games.engine.bots import choose_command

    return state, choose_command(engine.decision_view(game, seat), "random", "x")


def test_folding_the_events_decide_emitted_reuses_decides_fold() -> None:
    state, command = _room_in_play()
    events, after = engine.decide_and_evolve(state.game, command)
    assert fold(_pending(events, state.version, with_objects=True), state).game is after


def test_folding_stored_events_gives_the_same_game() -> None:
    state, command = _room_in_play()
    events, after = engine.decide_and_evolve(state.game, command)
    game = fold(_pending(events, state.version, with_objects=False), state).game
    assert game == after and game is not after
