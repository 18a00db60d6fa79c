"""One correlation id follows a WebSocket message into its log lines and stored events."""

from __future__ import annotations

import io
import json
import logging

import pytest

from eventstore import selectors as es_selectors
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def json_log_lines():
    """Capture the JSON log lines (the configured formatter) whatever stdout is now."""
    import liaptui.asgi  # noqa: F401 - its django.setup() re-applies LOGGING: do it before attaching

    root = logging.getLogger()
    formatter = next(h.formatter for h in root.handlers if h.formatter is not None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    yield lambda: [
        json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")
    ]
    root.removeHandler(handler)


async def test_ws_message_correlation_id_reaches_logs_and_event_metadata(json_log_lines) -> None:
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player)
    ws = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(ws)
    await send(ws, {"type": "add_bot", "seat": 2, "id": "bot"})
    ack = await receive_until(ws, lambda m: m["type"] == "ack")
    cid = ack["correlation_id"]
    assert cid
    events = await db(es_selectors.event_read)(
        stream_id=room.stream_id, after_version=ack["version"] - 1
    )
    assert [e.type for e in events] == ["bot_added"]
    assert events[0].metadata["correlation_id"] == cid
    assert (
        events[0].metadata["actor"] == str(player.id)
        and events[0].metadata["source"] == "websocket"
    )
    lines = json_log_lines()
    mine = [line for line in lines if line.get("correlation_id") == cid]
    assert any(
        line["event"] == "bot_added"
        and line["category"] == "game_event"
        and line["room_id"] == str(room.id)
        for line in mine
    )
    assert all(
        set(line)
        >= {"timestamp", "level", "correlation_id", "category", "event", "room_id", "details"}
        for line in mine
    )
    await send(ws, {"type": "add_bot", "seat": 2, "id": "again"})
    err = await receive_until(ws, lambda m: m["type"] == "error")
    assert err["correlation_id"] and err["correlation_id"] != cid
    await ws.disconnect()
