"""Write the Room and Seat tables from a room's state (same transaction as its events)."""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections

from eventstore.types import Projection
from games.models import Room, Seat
from games.room_state import RoomState
from games.room_timing import DueAction


def apply_room_changes(room: Room, state: RoomState, due: DueAction | None, now: datetime) -> None:
    """Set ``room``'s projected fields (in memory) to match ``state``."""
    room.version = state.version
    room.name = state.name or room.name
    room.host_id = state.host
    room.is_public = state.is_public
    room.settings = state.settings.to_dict()
    room.status = state.status
    room.phase = state.phase.value
    room.round_number = state.game.round_number
    room.games_finished = state.games_finished
    room.next_due_at = due.due_at if due else None
    room.pending_action = due.kind if due else ""
    room.last_activity_at = now
    room.game_started_at = state.game_started_at
    if state.status == "finished" and room.game_finished_at is None:
        room.game_finished_at = now
    elif state.status == "playing":
        room.game_finished_at = None
    if state.closed and room.closed_at is None:
        room.closed_at = now


def room_row_projection(room: Room) -> Projection:
    """The Room row as an event-store inline projection (database-ready values),
    so a plain command writes its events and this row in one statement."""
    # The wrapper itself, not the ``connection`` proxy: every attribute read
    # through the proxy is a context-local lookup, and this runs on every move.
    db = connections[DEFAULT_DB_ALIAS]
    values = {}
    for name in _ROOM_FIELDS:
        field = Room._meta.get_field(name)
        values[field.column] = field.get_db_prep_save(getattr(room, field.attname), db)
    pk = Room._meta.pk
    return Projection(
        table=Room._meta.db_table,
        key_column=pk.column,
        key=pk.get_db_prep_value(room.pk, db),
        values=values,
    )


def project_room(
    room: Room, state: RoomState, due: DueAction | None, now: datetime, seats_changed: bool
) -> None:
    """Bring ``room``'s row (and its seats if they changed) up to ``state``.

    One UPDATE of the fields a command can change (this runs on every move).
    """
    apply_room_changes(room, state, due, now)
    if room._state.adding:
        room.save()
    else:
        Room.objects.filter(pk=room.pk).update(**{f: getattr(room, f) for f in _ROOM_FIELDS})
    if seats_changed:
        for index, info in enumerate(state.seats):
            Seat.objects.update_or_create(
                room=room,
                index=index,
                defaults={
                    "player_id": info.player_id,
                    "name": info.name or "",
                    "is_bot": info.is_bot,
                    "bot_strategy": info.strategy,
                    "away": info.away,
                },
            )


_ROOM_FIELDS = (
    "version",
    "name",
    "host_id",
    "is_public",
    "settings",
    "status",
    "phase",
    "round_number",
    "games_finished",
    "next_due_at",
    "pending_action",
    "last_activity_at",
    "game_started_at",
    "game_finished_at",
    "closed_at",
)
