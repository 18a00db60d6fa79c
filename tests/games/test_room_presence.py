"""Seats belong to sessions: leaving, reconnecting, bots standing in, host hand-over."""

from __future__ import annotations

import pytest

from games.loading import room_state_load
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


async def _room_with_bots(target: int = 10, **settings):
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player, target_score=target, action_time_limit=0, **settings)
    ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(ws)
    for seat in (1, 2, 3):
        await send(ws, {"type": "add_bot", "seat": seat, "id": f"b{seat}"})
        await receive_until(ws, lambda m, s=seat: m["type"] == "ack" and m["ref"] == f"b{s}")
    return player, key, room, ws


async def test_disconnected_human_is_played_by_bot_and_reconnect_restores_seat() -> None:
    import asyncio

    player, key, room, ws = await _room_with_bots(target=5)
    await send(ws, {"type": "start"})
    await receive_until(ws, lambda m: m["type"] == "state" and m["game"]["phase"] != "WAITING")
    await ws.disconnect()
    # With nobody at the table the bots, standing in for Ana too, finish the game.
    for _ in range(200):
        state = await db(room_state_load)(room.stream_id)
        if state.game.phase.value == "GAME_OVER":
            break
        await asyncio.sleep(0.05)
    assert state.seats[0].away is True
    assert state.game.phase.value == "GAME_OVER"
    again = await connect(f"/ws/rooms/{room.code}/", key)
    msg = await receive_until(
        again, lambda m: m["type"] == "state" and not m["room"]["seats"][0]["away"]
    )
    assert msg["you"]["seat"] == 0 and msg["you"]["is_host"]
    assert msg["room"]["seats"][0]["name"] == "Ana"
    await again.disconnect()


async def test_second_tab_shares_the_same_seat() -> None:
    player, key, room, ws = await _room_with_bots()
    tab2 = await connect(f"/ws/rooms/{room.code}/", key)
    msg = await receive(tab2)
    assert msg["you"]["seat"] == 0
    await ws.disconnect()
    await tab2.disconnect()


async def test_host_leaving_passes_host_to_next_human_and_kick_frees_seat() -> None:
    host, host_key = await db(make_player)("Host")
    room = await db(make_room)(host)
    guests = [await db(make_player)(f"G{i}") for i in range(2)]
    host_ws = await connect(f"/ws/rooms/{room.code}/", host_key)
    await receive(host_ws)
    sockets = []
    for seat, (_, key) in zip((2, 3), guests, strict=True):
        ws = await connect(f"/ws/rooms/{room.code}/", key)
        await receive(ws)
        await send(ws, {"type": "take_seat", "seat": seat, "id": "sit"})
        await receive_until(ws, lambda m: m["type"] == "ack")
        sockets.append(ws)
    await send(host_ws, {"type": "kick", "seat": 3, "id": "k"})
    await receive_until(host_ws, lambda m: m["type"] == "ack")
    await send(host_ws, {"type": "leave", "id": "bye"})
    await receive_until(host_ws, lambda m: m["type"] == "ack")
    msg = await receive_until(sockets[0], lambda m: m["type"] == "state" and m["you"]["is_host"])
    assert msg["room"]["seats"][2]["is_host"] and not msg["room"]["seats"][3]["occupied"]
    assert not msg["room"]["seats"][0]["occupied"]
    for ws in [host_ws, *sockets]:
        await ws.disconnect()


async def test_unknown_room_code_gets_room_not_found() -> None:
    from channels.testing import WebsocketCommunicator

    from liaptui.asgi import application

    comm = WebsocketCommunicator(
        application, "/ws/rooms/NOPE42/", headers=[(b"origin", b"http://localhost")]
    )
    connected, _ = await comm.connect()
    assert connected
    msg = await receive(comm)
    assert msg["code"] == "room_not_found"
    assert (await comm.receive_output())["type"] == "websocket.close"


async def test_foreign_origin_is_refused() -> None:
    from channels.testing import WebsocketCommunicator

    from liaptui.asgi import application

    comm = WebsocketCommunicator(
        application, "/ws/lobby/", headers=[(b"origin", b"http://evil.example")]
    )
    connected, _ = await comm.connect()
    assert not connected


def test_reload_racing_the_away_check_leaves_the_seat_with_its_player(transactional_db) -> None:
    """The away check marks the seat while the returning socket is registering."""
    from django.utils import timezone

    from games import services
    from games.loading import room_state_load
    from games.models import Connection

    player, _ = make_player("Ana")
    room = make_room(player)
    original = services.room_command

    def register_socket_mid_check(**kwargs):
        result = original(**kwargs)
        if type(kwargs["command"]).__name__ == "MarkAway":
            Connection.objects.create(
                channel_name="late-tab", room=room, player=player, last_seen_at=timezone.now()
            )
        return result

    services.room_command = register_socket_mid_check
    try:
        assert services.presence_check(room=room, player_id=str(player.id)) is False
    finally:
        services.room_command = original
    assert room_state_load(room.stream_id).seats[0].away is False
