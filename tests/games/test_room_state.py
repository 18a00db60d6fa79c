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


def test_snapshots_written_before_shuffle_versions_still_equal_the_replay() -> None:
    """A room snapshot stored before deals recorded their shuffle version has
    deals without "shuffle"; replaying the same (version 1) events must give
    exactly that dict, or every old snapshot would be reported as differing."""
    from games.integrity import room_snapshots_match_replay
    from games.room_state import room_state_to_dict

    seed = "old-room-seed"
    old_events = [
        engine.Event("game_started", {"players": ["A", "B", "C", "D"], "target_score": 10}),
        engine.Event("round_started", {"round": 1}),
        engine.Event("hands_dealt", {  # as stored before shuffle versions: no "shuffle"
            "round": 1, "deal": 1, "seed": seed, "commitment": engine.commitment(seed),
            "hands": [list(h) for h in engine.deal_from_seed(seed, 1)], "starter": 0}),
    ]
    stored = _pending(old_events, 0, with_objects=False)
    replayed = room_state_to_dict(fold(stored))
    assert replayed["game"]["deals"] == [  # the pre-version form, key for key
        {"deal": 1, "seed": seed, "commitment": engine.commitment(seed)}]
    assert fold(stored).game.deals[0].shuffle == 1
    snapshot = SimpleNamespace(version=3, state=replayed)
    assert room_snapshots_match_replay("room-old", stored, [snapshot]) == []
    # a new deal carries its version in the state dict (and back)
    events, game = engine.decide_and_evolve(
        engine.GameState.initial(), engine.StartGame(seed="new", players=("A", "B", "C", "D")))
    new = room_state_to_dict(fold(_pending(events, 0, with_objects=False)))
    assert [d["shuffle"] for d in new["game"]["deals"]] == [2]
    assert engine.state_from_dict(new["game"]) == game
