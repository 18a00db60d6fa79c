"""The process heartbeat keeps every open socket's row fresh without any
traffic from it, and stops for sockets that closed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from games import heartbeat
from games.models import Connection
from games.services import connections_touch
from tests.games.helpers import connect, db, make_player, make_room, receive

pytestmark = pytest.mark.django_db(transaction=True)


def _age_rows(seconds: float) -> None:
    Connection.objects.update(last_seen_at=timezone.now() - timedelta(seconds=seconds))


def _ages() -> dict[str, float]:
    now = timezone.now()
    return {
        c.kind + ":" + c.channel_name: (now - c.last_seen_at).total_seconds()
        for c in Connection.objects.all()
    }


@pytest.fixture
def fast_heartbeat(monkeypatch):
    monkeypatch.setitem(settings.LIAPTUI, "CONNECTION_HEARTBEAT", 0.2)


async def test_silent_room_and_lobby_sockets_stay_fresh(fast_heartbeat) -> None:
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player)
    room_ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(room_ws)
    lobby_ws = await connect("/ws/lobby/", key)
    await receive(lobby_ws)
    await db(_age_rows)(600)

    await asyncio.sleep(0.6)  # no frames sent: only the heartbeat can refresh the rows

    ages = await db(_ages)()
    assert len(ages) == 2
    assert all(age < 5 for age in ages.values()), ages
    await room_ws.disconnect()
    await lobby_ws.disconnect()


async def test_a_closed_socket_leaves_the_heartbeat(fast_heartbeat) -> None:
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player)
    ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(ws)
    assert len(heartbeat.open_channels()) == 1

    await ws.disconnect()

    assert heartbeat.open_channels() == []
    assert await db(Connection.objects.count)() == 0


@pytest.mark.django_db
def test_connections_touch_updates_only_the_named_rows_in_one_go() -> None:
    player, _ = make_player("Ana")
    room = make_room(player)
    old = timezone.now() - timedelta(seconds=600)
    for name in ("a", "b", "c"):
        Connection.objects.create(
            channel_name=name, room=room, player=player, address="127.0.0.1",
            kind="room", last_seen_at=old,
        )  # fmt: skip

    assert connections_touch(channel_names=["a", "c", "gone"]) == 2

    fresh = set(
        Connection.objects.filter(last_seen_at__gt=old).values_list("channel_name", flat=True)
    )
    assert fresh == {"a", "c"}


async def test_each_socket_is_touched_once_per_cycle_in_slices() -> None:
    calls: list[list[str]] = []

    def fake_run_sync(func):  # records what would be written, no database
        async def run(**kwargs):
            calls.append(sorted(kwargs["channel_names"]))
            return len(kwargs["channel_names"])

        return run

    names = [f"c{i}" for i in range(6)]
    for name in names:
        heartbeat.register(name, fake_run_sync, 2.0)  # 2 s cycle: 2 slices, 1 s apart
    await asyncio.sleep(2.3)
    heartbeat.forget()

    assert len(calls) == 2, calls
    assert all(len(batch) == 3 for batch in calls)  # spread evenly, not all at once
    assert sorted(name for batch in calls for name in batch) == names  # each exactly once
