"""Housekeeping over the games tables, for the maintenance tasks and ops commands.

* which rooms are overdue, stuck or abandoned (reads over the projections);
* closing an abandoned room (through ``games.services.room_close``, so the
  ``room_closed`` event is appended and the stream marked finished);
* rebuilding the Room/Seat projections from the room streams (after a
  restore) and checking that they match the streams.

The event stream stays the source of truth; nothing here writes game state
except through the services, and the projection rebuild only derives rows
from the streams.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from eventstore import selectors as es_selectors
from eventstore import services as es_services
from eventstore.errors import StreamNotFound
from games.integrity import ROOM_PREFIX
from games.models import Connection, Player, Room, Seat
from games.projection import project_room
from games.room_state import RoomState, fold
from games.room_timing import due_action

# --- overdue / stuck ---------------------------------------------------------


def rooms_overdue_ids(*, now: datetime, limit: int = 200) -> list[str]:
    """Rooms whose next automatic action was due at or before ``now`` (oldest first)."""
    return [
        str(rid)
        for rid in Room.objects.filter(next_due_at__lte=now)
        .exclude(status="closed")
        .order_by("next_due_at")
        .values_list("id", flat=True)[:limit]
    ]


def rooms_stuck(*, now: datetime, late_by: timedelta) -> list[str]:
    """Rooms whose due action is more than ``late_by`` late: the sweep is not keeping up."""
    return [
        str(rid)
        for rid in Room.objects.filter(next_due_at__lt=now - late_by)
        .exclude(status="closed")
        .values_list("id", flat=True)[:1000]
    ]


# --- abandoned rooms ---------------------------------------------------------


@dataclass(frozen=True)
class Abandoned:
    room: Room
    reason: str  # empty | abandoned | idle


def rooms_abandoned(
    *,
    now: datetime | None = None,
    empty_grace: float | None = None,
    idle_limit: float | None = None,
    stale_after: float | None = None,
    limit: int = 500,
) -> list[Abandoned]:
    """Rooms to close, with the reason.

    * ``empty``: no human holds a seat, and nothing happened for ``empty_grace``;
    * ``abandoned``: humans are seated but none of them has a live socket to the
      room, and nothing happened for ``empty_grace`` (a game played on by bots
      for absent humans is closed once it is over and the grace has passed);
    * ``idle``: nothing happened for ``idle_limit``, whoever is connected.
    """
    conf = settings.LIAPTUI
    now = now or timezone.now()
    empty_grace = conf["EMPTY_ROOM_GRACE"] if empty_grace is None else empty_grace
    idle_limit = conf["IDLE_ROOM_LIMIT"] if idle_limit is None else idle_limit
    stale_after = conf["CONNECTION_STALE_AFTER"] if stale_after is None else stale_after
    quiet = now - timedelta(seconds=empty_grace)
    fresh = now - timedelta(seconds=stale_after)
    humans = Seat.objects.filter(room=OuterRef("pk"), player__isnull=False)
    live_humans = Connection.objects.filter(
        room=OuterRef("pk"),
        player__isnull=False,
        last_seen_at__gte=fresh,
        player__seats__room=OuterRef("pk"),
    )
    rows = (
        Room.objects.exclude(status="closed")
        .annotate(has_humans=Exists(humans), has_live=Exists(live_humans))
        .filter(
            Q(last_activity_at__lt=now - timedelta(seconds=idle_limit))
            | Q(last_activity_at__lt=quiet, has_live=False)
        )
        .order_by("last_activity_at")[:limit]
    )
    found = []
    for room in rows:
        if room.last_activity_at < now - timedelta(seconds=idle_limit):
            reason = "idle"
        elif not room.has_humans:
            reason = "empty"
        else:
            reason = "abandoned"
        found.append(Abandoned(room, reason))
    return found


def room_close_abandoned(*, room: Room, reason: str) -> bool:
    """Close one abandoned room (False when it was already closed meanwhile)."""
    from games.engine import RuleViolation
    from games.services import room_close

    try:
        room_close(room=room, reason=f"maintenance: {reason}")
    except RuleViolation as exc:
        if exc.code == "room_closed":
            return False
        raise
    return True


# --- projections -------------------------------------------------------------


def room_stream_ids() -> list[str]:
    return [s.stream_id for s in es_selectors.stream_list(prefix=ROOM_PREFIX, limit=10**9)]


def _ensure_players(state: RoomState) -> None:
    """Player rows the projections point at (a restore into an empty database has none)."""
    names = {s.player_id: (s.name or "Player") for s in state.seats if s.player_id}
    if state.host and state.host not in names:
        names[state.host] = "Player"
    for player_id, name in names.items():
        Player.objects.get_or_create(pk=uuid.UUID(player_id), defaults={"name": name[:24]})


def room_projection_rebuild(*, stream_id: str) -> Room:
    """Write the Room and Seat rows of one room stream from its events alone."""
    events = es_selectors.event_read(stream_id=stream_id)
    if not events:
        raise StreamNotFound(stream_id)
    state = fold(events)
    with transaction.atomic():
        _ensure_players(state)
        room = Room.objects.filter(pk=uuid.UUID(state.room_id)).first()
        if room is None:
            room = Room(id=uuid.UUID(state.room_id), code=state.code, stream_id=stream_id)
        at = state.last_event_at or timezone.now()
        project_room(room, state, due_action(state), at, seats_changed=True)
        Room.objects.filter(pk=room.pk).update(
            created_at=events[0].recorded_at, last_activity_at=at
        )
        if state.closed:
            es_services.stream_mark_finished(stream_id)
    room.refresh_from_db()
    return room


def projections_rebuild(*, stream_ids: list[str] | None = None) -> dict[str, int]:
    """Rebuild Room/Seat rows for every room stream (or the ones given)."""
    rebuilt = 0
    for stream_id in stream_ids if stream_ids is not None else room_stream_ids():
        if not stream_id.startswith(ROOM_PREFIX):
            continue
        room_projection_rebuild(stream_id=stream_id)
        rebuilt += 1
    return {"rooms": rebuilt}


def projections_check() -> list[dict[str, Any]]:
    """Rooms whose projection differs from their stream (version, status, phase, seats)."""
    problems = []
    rooms = {r.stream_id: r for r in Room.objects.all()}
    for stream_id in room_stream_ids():
        room = rooms.pop(stream_id, None)
        if room is None:
            problems.append({"stream_id": stream_id, "problem": "stream has no Room row"})
            continue
        state = fold(es_selectors.event_read(stream_id=stream_id))
        seats = sorted(
            (s.index, str(s.player_id) if s.player_id else None, s.is_bot, s.away)
            for s in room.seats.all()
        )
        want = sorted((i, s.player_id, s.is_bot, s.away) for i, s in enumerate(state.seats))
        for name, have, expected in (
            ("version", room.version, state.version),
            ("status", room.status, state.status),
            ("phase", room.phase, state.phase.value),
            ("seats", seats, want),
        ):
            if have != expected:
                problems.append(
                    {
                        "stream_id": stream_id,
                        "room_id": str(room.id),
                        "problem": f"{name} is {have!r}, the stream says {expected!r}",
                    }
                )
    for stream_id, room in rooms.items():
        problems.append(
            {
                "stream_id": stream_id,
                "room_id": str(room.id),
                "problem": "Room row without a stream",
            }
        )
    return problems
