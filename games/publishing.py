"""Tell connected sockets a room changed, after the transaction commits.

The group message carries the room's full server-side state (as one JSON
string) so each socket can render its own player's view without touching
the database; it travels only between server processes (channel layer),
never to a browser. What a
browser receives is built per connection by ``games.views_of``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from games.room_state import RoomState, room_state_to_dict
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
    events: list[tuple[str, dict[str, Any]]],
    correlation_id: str | None,
    lobby_changed: bool,
) -> list[tuple[str, dict[str, Any]]]:
    message = {
        "type": "room.changed",
        "version": state.version,
        # One string, not nested dicts: the channel layer decodes it into a
        # single object per socket, and sockets of the publishing process
        # never parse it (they share the process's cached state).
        "state_json": dumps(room_state_to_dict(state)),
        "events": [public_event(t, d) for t, d in events],
        "correlation_id": correlation_id,
    }
    out = [(room_group(state.room_id), message)]
    if lobby_changed:
        out.append((LOBBY_GROUP, {"type": "lobby.changed"}))
    return out


def publish_room_change(
    state: RoomState,
    events: list[tuple[str, dict[str, Any]]],
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
