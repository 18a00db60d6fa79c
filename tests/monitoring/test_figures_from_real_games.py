"""The monitoring endpoints' figures against real rooms and a real socket.

No fake provider here: rooms are created and played through the services
and a WebSocket, and every figure is compared with what the test did.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from eventstore.models import Event
from games import services
from games.models import Room
from games.room_rules import SYSTEM, Actor, AddBot, LeaveSeat, StartGame
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = [
    pytest.mark.backends,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_window"),
]


def _finished_bot_game() -> Room:
    host = services.player_create(name="Host")
    room = services.room_create(player=host, settings={"target_score": 5, "action_time_limit": 0})
    actor = Actor(str(host.id), "Host")
    services.room_command(room=room, actor=actor, command=LeaveSeat())
    for seat in (0, 1, 2, 3):
        services.room_command(room=room, actor=SYSTEM, command=AddBot(seat=seat))
    services.room_command(room=room, actor=SYSTEM, command=StartGame())
    services.room_advance_until_idle(room_id=str(room.id))
    room.refresh_from_db()
    assert room.status == "finished"
    return room


def _metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{name}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    assert match, f"{name}{labels} missing"
    return float(match.group(1))


def _waits_only_for_seat_0(message: dict) -> bool:
    return message["type"] == "state" and message["game"]["awaiting"] == [0]


async def test_endpoints_report_what_the_games_did(ops_headers) -> None:
    finished = await db(_finished_bot_game)()
    waiting_host, _ = await db(make_player)("Wanda")
    await db(make_room)(waiting_host)
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player, target_score=50, action_time_limit=0)
    ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(ws)
    for seat in (1, 2, 3):
        await send(ws, {"type": "add_bot", "seat": seat, "id": f"b{seat}"})
        await receive_until(ws, lambda m, s=seat: m["type"] == "ack" and m["ref"] == f"b{s}")
    await send(ws, {"type": "start", "id": "go"})
    await receive_until(ws, lambda m: m["type"] == "ack" and m["ref"] == "go")
    # Bots move until the human must act; only then do the figures stand still.
    await receive_until(ws, _waits_only_for_seat_0, timeout=20)
    client = Client()

    stats = await db(lambda: client.get("/api/debug/room-stats", **ops_headers).json())()
    assert stats["rooms_active"] == 2  # the waiting room and the game in progress
    assert stats["status_distribution"]["finished"] == 1
    assert stats["phase_distribution"]["WAITING"] == 1
    assert stats["phase_distribution"]["GAME_OVER"] == 1
    in_play = {
        k: v for k, v in stats["phase_distribution"].items() if k not in ("WAITING", "GAME_OVER")
    }
    assert sum(in_play.values()) == 1
    assert stats["players"]["humans_seated"] == 2 and stats["players"]["bots_seated"] == 7
    assert stats["players"]["connections_active"] == 1
    mine = next(r for r in stats["rooms"] if r["code"] == room.code)
    assert mine["humans"] == 1 and mine["bots"] == 3 and mine["seats"][0]["connected"] is True
    assert stats["average_game_duration_seconds"] is not None

    metrics = await db(lambda: client.get("/api/health/metrics").content.decode())()
    assert _metric(metrics, "game_rooms_active") == 2
    assert _metric(metrics, "active_connections") == 1
    assert _metric(metrics, "game_rooms_by_phase", '{phase="WAITING"}') == 1
    assert _metric(metrics, "game_rooms_by_status", '{status="finished"}') == 1

    system = await db(lambda: client.get("/api/system/stats", **ops_headers).json())()
    total_events = await db(Event.objects.count)()
    assert system["performance"]["events_appended"] == total_events
    assert system["performance"]["messages_per_second"]["messages"]["in"] == 4  # 3 bots + start
    assert system["rooms"]["active"] == 2
    await ws.disconnect()
    assert finished.games_finished == 1
