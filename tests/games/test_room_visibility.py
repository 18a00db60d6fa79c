"""Hidden information: every socket sees only its own seat's hand."""

from __future__ import annotations

import pytest

from games.engine import POINTS
from games.loading import room_state_load
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


def _piece_lists(obj, out):
    if isinstance(obj, list) and obj and all(isinstance(x, str) and x in POINTS for x in obj):
        out.append(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            _piece_lists(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _piece_lists(v, out)
    return out


async def test_four_humans_each_receive_only_their_own_hand() -> None:
    players = [await db(make_player)(f"P{i}") for i in range(4)]
    room = await db(make_room)(players[0][0], target_score=10, action_time_limit=0)
    sockets = []
    for i, (_, key) in enumerate(players):
        ws = await connect(f"/ws/rooms/{room.code}/", key)
        await receive(ws)
        if i:
            await send(ws, {"type": "take_seat", "seat": i, "id": "sit"})
            await receive_until(ws, lambda m: m["type"] == "ack")
        sockets.append(ws)
    spectator = await connect(f"/ws/rooms/{room.code}/")
    await receive(spectator)
    await send(sockets[0], {"type": "start"})
    for seat, ws in enumerate(sockets):
        msg = await receive_until(
            ws, lambda m: m["type"] == "state" and m["game"]["phase"] != "WAITING"
        )
        assert msg["you"]["seat"] == seat
    state = await db(room_state_load)(room.stream_id)
    hands = [list(h) for h in state.game.hands]
    for seat, ws in enumerate(sockets):
        await send(ws, {"type": "sync"})
        msg = await receive_until(ws, lambda m: m["type"] == "state")
        assert sorted(msg["game"]["hand"]) == sorted(hands[seat])
        for other in range(4):
            if other != seat:
                assert sorted(hands[other]) not in [sorted(p) for p in _piece_lists(msg, [])]
        assert "seed" not in str(msg["game"]["deals"][-1].get("seed") or "")
    await send(spectator, {"type": "sync"})
    spec = await receive_until(spectator, lambda m: m["type"] == "state")
    assert spec["game"]["hand"] is None and spec["you"]["spectator"]
    for ws in [*sockets, spectator]:
        await ws.disconnect()
