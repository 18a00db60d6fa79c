"""Helpers for room tests: players with real sessions and WebSocket clients."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from games import services
from games.models import Player, Room
from games.selectors import SESSION_KEY


def make_player(name: str = "Ana") -> tuple[Player, str]:
    player = services.player_create(name=name)
    session = SessionStore()
    session[SESSION_KEY] = str(player.id)
    session.save()
    return player, session.session_key


def make_room(player: Player, **settings: Any) -> Room:
    return services.room_create(player=player, name="Test table", settings=settings)


async def connect(
    path: str,
    session_key: str | None = None,
    origin: bytes = b"http://localhost",
    address: str = "127.0.0.1",
) -> WebsocketCommunicator:
    from liaptui.asgi import application

    headers = [(b"origin", origin), (b"host", b"localhost")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    comm = WebsocketCommunicator(application, path, headers=headers)
    comm.scope["client"] = (address, 50000)
    connected, _ = await comm.connect(timeout=5)
    assert connected, f"could not connect to {path}"
    return comm


async def receive(comm: WebsocketCommunicator, timeout: float = 5) -> dict[str, Any]:
    return json.loads(await comm.receive_from(timeout=timeout))


async def receive_until(
    comm: WebsocketCommunicator, predicate, timeout: float = 30
) -> dict[str, Any]:
    """Read messages until one satisfies ``predicate``; return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        assert remaining > 0, "timed out waiting for a matching message"
        msg = await receive(comm, timeout=remaining)
        if predicate(msg):
            return msg


async def send(comm: WebsocketCommunicator, payload: dict[str, Any]) -> None:
    await comm.send_to(text_data=json.dumps(payload))


db = database_sync_to_async
