"""Room changes on the channel layer: any process brings its cached room up to date."""

from __future__ import annotations

import msgpack
import pytest

from eventstore.selectors import event_read
from games import services
from games.loading import room_state_at, room_state_load
from games.publishing import room_change_messages, state_after_change
from games.room_rules import SYSTEM, Actor, AddBot, MarkAway, StartGame

from .helpers import make_player, make_room

pytestmark = pytest.mark.django_db


def _room_in_play() -> tuple[str, int]:
    """A room whose game has started (deal, declarations, plays by bots pending)."""
    host, _ = make_player("Ana")
    room = make_room(host, bot_delay=0)
    actor = Actor(player_id=str(host.id), name=host.name)
    for seat in (1, 2, 3):
        services.room_command(room=room, actor=actor, command=AddBot(seat=seat))
    services.room_command(room=room, actor=actor, command=StartGame())
    # Ana is away, so bots play every seat
    services.room_command(room=room, actor=SYSTEM, command=MarkAway(seat=0))
    for _ in range(30):  # bot moves, so the stream holds plays too
        services.room_advance(room_id=str(room.id))
    return room.stream_id, room_state_load(room.stream_id, use_cache=False).version


def _over_the_wire(message: dict) -> dict:
    """What another process receives: the channel layer's msgpack round trip."""
    return msgpack.unpackb(msgpack.packb(message))


def _change(stream_id: str, after: int, to: int) -> dict:
    state = room_state_at(stream_id, to)
    events = event_read(stream_id=stream_id, after_version=after, to_version=to)
    [(_, message)] = room_change_messages(state, events, None, lobby_changed=False)
    return _over_the_wire(message)


def test_a_process_one_change_behind_folds_the_change_to_the_stored_state() -> None:
    stream_id, head = _room_in_play()
    assert head > 30
    for to in range(2, head + 1):
        for size in (1, 2, 3):
            if to - size < 1:
                continue
            cached = room_state_at(stream_id, to - size)
            assert state_after_change(cached, _change(stream_id, to - size, to)) == (
                room_state_at(stream_id, to)
            )


def test_a_process_further_behind_or_without_the_room_must_read_the_stream() -> None:
    stream_id, head = _room_in_play()
    message = _change(stream_id, head - 1, head)
    assert state_after_change(room_state_at(stream_id, head - 3), message) is None
    assert state_after_change(None, message) is None


def test_a_process_that_made_the_change_keeps_its_own_state() -> None:
    stream_id, head = _room_in_play()
    mine = room_state_load(stream_id)
    assert state_after_change(mine, _change(stream_id, head - 1, head)) is mine


def test_the_change_shows_browsers_no_hand_and_no_live_seed() -> None:
    stream_id, _ = _room_in_play()
    events = event_read(stream_id=stream_id)
    dealt = next(i for i, e in enumerate(events, 1) if e.type == "hands_dealt")
    message = _change(stream_id, dealt - 1, dealt)
    [public] = [e for e in message["events"] if e["type"] == "hands_dealt"]
    assert "hands" not in public["data"] and "seed" not in public["data"]
