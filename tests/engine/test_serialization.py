"""Canonical JSON round-trips and strict command parsing."""

import json

import pytest

from games.engine import (
    ActForSeat,
    CloseRedealWindow,
    Declare,
    GameState,
    Play,
    RedealDecision,
    RuleViolation,
    StartGame,
    StartNextRound,
    command_from_dict,
    command_to_dict,
    event_from_dict,
    event_to_dict,
    state_from_json,
    state_to_json,
)

from .helpers import started

COMMANDS = [
    StartGame(seed="s", players=("a", "b", "c", "d"), target_score=10),
    RedealDecision(seat=1, accept=True, seed="x"),
    CloseRedealWindow(seed="y"),
    Declare(seat=2, value=3),
    Play(seat=3, pieces=("SOLDIER_RED", "SOLDIER_RED")),
    StartNextRound(seed="z"),
    ActForSeat(seat=0, reason="timeout", seed="q"),
]


@pytest.mark.parametrize("cmd", COMMANDS)
def test_commands_round_trip_through_json(cmd) -> None:
    d = json.loads(json.dumps(command_to_dict(cmd)))
    assert command_from_dict(d) == cmd


def test_client_json_with_defaults() -> None:
    assert command_from_dict({"type": "declare", "seat": 0, "value": 2}) == Declare(0, 2)
    assert command_from_dict({"type": "play", "seat": 1, "pieces": ["HORSE_RED"]}) == Play(
        1, ("HORSE_RED",))


@pytest.mark.parametrize("bad,fragment", [
    ({"type": "dance"}, "Unknown command type"),
    ({"seat": 1}, "Unknown command type"),
    ([], "JSON object"),
    ({"type": "declare", "seat": 0}, "missing field 'value'"),
    ({"type": "declare", "seat": "0", "value": 1}, "'seat' must be an integer"),
    ({"type": "declare", "seat": True, "value": 1}, "'seat' must be an integer"),
    ({"type": "declare", "seat": 0, "value": 1.0}, "'value' must be an integer"),
    ({"type": "play", "seat": 0, "pieces": "HORSE_RED"}, "list of strings"),
    ({"type": "redeal_decision", "seat": 0, "accept": "yes"}, "true or false"),
    ({"type": "declare", "seat": 0, "value": 1, "extra": 1}, "unknown field"),
    ({"type": "start_game", "seed": "s", "players": ["a"]}, "exactly 4"),
])
def test_bad_client_commands_raise_bad_command(bad, fragment) -> None:
    with pytest.raises(RuleViolation) as e:
        command_from_dict(bad)
    assert e.value.code == "bad_command" and fragment in e.value.message


def test_state_round_trips_exactly() -> None:
    for st in (GameState.initial(), started()):
        s = state_to_json(st)
        assert state_from_json(s) == st
        assert state_to_json(state_from_json(s)) == s
        assert json.loads(s)["phase"] == st.phase.value


def test_events_round_trip() -> None:
    from games.engine import decide
    for ev in decide(GameState.initial(), StartGame(seed="e")):
        d = json.loads(json.dumps(event_to_dict(ev)))
        assert event_from_dict(d) == ev


def _scored_state():
    """A state in SCORING: deals of the round and of ``last_round`` both recorded."""
    from games.engine import Play
    from games.engine.state import Phase, replace

    from .helpers import apply

    st = replace(started(), phase=Phase.TURN,
                 hands=(("GENERAL_RED",), ("SOLDIER_BLACK",), ("SOLDIER_RED",),
                        ("CANNON_BLACK",)),
                 declarations=(1, 0, 0, 2), round_starter=0, leader=0, turn_number=8,
                 turn_plays=(), required_count=None)
    events = []
    for s in range(4):
        st, ev = apply(st, Play(seat=s, pieces=st.hands[s]))
        events += ev
    return st, events


def test_the_shuffle_version_round_trips_in_states_and_events() -> None:
    from games.engine import state_from_dict, state_to_dict

    st, events = _scored_state()
    d = json.loads(state_to_json(st))
    assert [x["shuffle"] for x in d["deals"]] == [2]
    assert [x["shuffle"] for x in d["last_round"]["deals"]] == [2]
    assert state_from_json(state_to_json(st)) == st
    assert state_from_dict(state_to_dict(st)).last_round.deals[0].shuffle == 2
    scored = next(e for e in events if e.type == "round_scored")
    back = event_from_dict(json.loads(json.dumps(event_to_dict(scored))))
    assert back == scored and back.data["deals"][0]["shuffle"] == 2


def test_an_old_state_dict_without_shuffle_loads_as_version_1() -> None:
    from games.engine import state_from_dict

    st, _ = _scored_state()
    d = json.loads(state_to_json(st))
    for deal in d["deals"] + d["last_round"]["deals"]:
        del deal["shuffle"]  # as stored before shuffle versions
    old = state_from_dict(d)
    assert [x.shuffle for x in old.deals] == [1]
    assert [x.shuffle for x in old.last_round.deals] == [1]
    assert old.deals[0].seed == st.deals[0].seed
    # and it writes back exactly as it was stored: a version 1 deal has no
    # "shuffle" key, so old snapshots still equal their replay
    assert json.loads(state_to_json(old)) == d
