"""Tell connected sockets a room changed, after the transaction commits.

The group message carries the room's full server-side state so each socket
can render its own player's view without touching the database; it travels
only between server processes (channel layer), never to a browser. What a
browser receives is built per connection by ``games.views_of``.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from games.room_state import RoomState, room_state_to_dict

LOBBY_GROUP = "lobby"

# Which fields of each event a browser may see (anything else stays server-side).
_PUBLIC_FIELDS: dict[str, tuple[str, ...] | None] = {
    "hands_dealt": ("round", "deal", "commitment", "starter"),
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


def publish_room_change(state: RoomState, events: list[tuple[str, dict[str, Any]]],
                        correlation_id: str | None, lobby_changed: bool) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": "room.changed",
        "version": state.version,
        "state": room_state_to_dict(state),
        "events": [public_event(t, d) for t, d in events],
        "correlation_id": correlation_id,
    }
    send = async_to_sync(layer.group_send)
    send(room_group(state.room_id), message)
    if lobby_changed:
        send(LOBBY_GROUP, {"type": "lobby.changed"})
