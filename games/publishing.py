"""Tell connected sockets a room changed, after the transaction commits.

The group message carries the change's stored events in full (as one JSON
string, ``fold_json``) so that every server process can bring its cached
state of the room up to the new version by folding them, without touching
the database; it travels only between server processes (channel layer),
never to a browser. The publishing process's own sockets need not even
that: it cached the new state before publishing. A process whose cache is
not exactly one change behind loads the room from the stream instead. What
a browser receives is built per connection (``games.presenters``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from games.room_state import FoldEvent, RoomState, fold
from liaptui.json import dumps

LOBBY_GROUP = "lobby"

# Which fields of each event a browser may see (anything else stays server-side).
_PUBLIC_FIELDS: dict[str, tuple[str, ...] | None] = {
    "hands_dealt": ("round", "deal", "commitment", "starter", "shuffle"),
    "seat_taken": ("seat", "name"),
    "seat_left": ("seat", "reason", "replaced_by_bot", "bot_name"),
    "host_changed": ("reason",),
    "player_away": ("seat",),
    "player_back": ("seat",),
}


def room_group(room_id: str) -> str:
    return f"room.{room_id}"


def public_event(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    """The part of an event every connection may see (never hands, never a live seed)."""
    fields = _PUBLIC_FIELDS.get(type_)
    if fields is None:
        shown = dict(data)
    else:
        shown = {k: data[k] for k in fields if k in data}
    return {"type": type_, "data": shown}


# When set (by ``deferred_publishing``), messages are collected for an async
# caller to send on its own event loop instead of blocking this worker thread
# until the loop is free to talk to the channel layer.
_deferred: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "deferred_publish", default=None
)


def room_change_messages(
    state: RoomState,
    events: Sequence[Any],
    correlation_id: str | None,
    lobby_changed: bool,
) -> list[tuple[str, dict[str, Any]]]:
    """``events``: the change's stored events (type, data, recorded_at, version)."""
    message = {
        "type": "room.changed",
        "version": state.version,
        # One string, not nested dicts: the channel layer then decodes a single
        # object, and only a process whose cache needs the events parses it.
        "fold_json": dumps(
            [[e.type, e.data, e.recorded_at.isoformat() if e.recorded_at else None] for e in events]
        ),
        "events": [public_event(e.type, e.data) for e in events],
        "correlation_id": correlation_id,
    }
    out = [(room_group(state.room_id), message)]
    if lobby_changed:
        out.append((LOBBY_GROUP, {"type": "lobby.changed"}))
    return out


def state_after_change(cached: RoomState | None, message: dict[str, Any]) -> RoomState | None:
    """The room at the message's version, folded from ``cached`` when that is
    exactly the version before the change; None when it is not (the caller
    loads the room from the stream)."""
    version = message["version"]
    if cached is not None and cached.version == version:
        return cached
    rows = json.loads(message["fold_json"])
    first = version - len(rows) + 1
    if cached is None or not rows or cached.version != first - 1:
        return None
    return fold(
        [
            FoldEvent(t, d, datetime.fromisoformat(at) if at else None, first + i)
            for i, (t, d, at) in enumerate(rows)
        ],
        cached,
    )


def publish_room_change(
    state: RoomState,
    events: Sequence[Any],
    correlation_id: str | None,
    lobby_changed: bool,
) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    messages = room_change_messages(state, events, correlation_id, lobby_changed)
    box = _deferred.get()
    if box is not None:
        box.extend(messages)
        return
    send = async_to_sync(layer.group_send)
    for group, message in messages:
        send(group, message)


def deferred_publishing(
    func: Callable[..., Any],
) -> Callable[..., tuple[Any, list[tuple[str, dict[str, Any]]]]]:
    """Wrap a sync service so its publications are returned, not sent: (result, messages)."""

    def run(*args: Any, **kwargs: Any) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        box: list[tuple[str, dict[str, Any]]] = []
        token = _deferred.set(box)
        try:
            return func(*args, **kwargs), box
        finally:
            _deferred.reset(token)

    return run


async def send_deferred(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    for group, message in messages:
        await layer.group_send(group, message)
