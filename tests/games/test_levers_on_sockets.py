"""Frames never wait for the levers to be re-read from the database: the last
known levers serve them while one background read refreshes the cache."""

from __future__ import annotations

import time

import pytest

from games import consumers
from monitoring import levers as levers_module
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


async def test_stale_levers_serve_frames_while_one_slow_read_refreshes_them(monkeypatch) -> None:
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player)
    ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(ws)
    known = levers_module.last_known_levers()
    assert known is not None
    reads = []
    real_read = levers_module.current_levers

    def slow_read():  # the database is slow right now
        reads.append(time.monotonic())
        time.sleep(1.0)
        return real_read()

    monkeypatch.setattr(consumers, "current_levers", slow_read)
    stamp, cached = levers_module._cached
    monkeypatch.setattr(levers_module, "_cached", (stamp - 60, cached))  # due for a re-read

    started = time.monotonic()
    for i in range(5):
        await send(ws, {"type": "ping", "id": f"p{i}"})
        await receive_until(ws, lambda m, i=i: m["type"] == "pong" and m["ref"] == f"p{i}")
    elapsed = time.monotonic() - started

    assert elapsed < 0.8, "the pongs waited for the slow levers read"
    await consumers._levers_refresh  # the one background read
    assert len(reads) == 1, "one refresh for five frames, not one per frame"
    assert levers_module.fresh_cached_levers() is not None  # and it refreshed the cache
    await ws.disconnect()
