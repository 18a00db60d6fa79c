"""Reads: players from sessions, rooms by code or id, the lobby list, game stats."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F
from django.utils import timezone

from games.models import Connection, Player, Room, Seat

SESSION_KEY = "player_id"


def player_from_session(session: Any) -> Player | None:
    raw = session.get(SESSION_KEY) if session is not None else None
    if not raw:
        return None
    try:
        return Player.objects.filter(pk=uuid.UUID(str(raw))).first()
    except ValueError:
        return None


def room_by_code(code: str) -> Room | None:
    return Room.objects.filter(code=code.upper()).first() if code else None


def room_by_ref(ref: str) -> Room | None:
    """A room by its id (UUID) or its short code."""
    try:
        return Room.objects.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        return room_by_code(ref)


def lobby_rooms(limit: int = 100) -> list[dict[str, Any]]:
    """Open public rooms with seats, for the lobby (one query for rooms, one for seats)."""
    rooms = list(
        Room.objects.filter(is_public=True)
        .exclude(status="closed")
        .order_by("-last_activity_at")[:limit]
    )
    seats: dict[Any, list[Seat]] = {}
    for seat in Seat.objects.filter(room__in=rooms).order_by("index"):
        seats.setdefault(seat.room_id, []).append(seat)
    out = []
    for room in rooms:
        room_seats = seats.get(room.id, [])
        out.append(
            {
                "code": room.code,
                "name": room.name,
                "status": room.status,
                "phase": room.phase,
                "round": room.round_number,
                "humans": sum(1 for s in room_seats if s.player_id and not s.is_bot),
                "bots": sum(1 for s in room_seats if s.is_bot),
                "free_seats": sum(1 for s in room_seats if not s.player_id and not s.is_bot),
                "seats": [
                    {"seat": s.index, "name": s.name, "is_bot": s.is_bot, "away": s.away}
                    for s in room_seats
                ],
                "target_score": room.settings.get("target_score"),
            }
        )
    return out


PHASES = ("WAITING", "PREPARATION", "DECLARATION", "TURN", "SCORING", "GAME_OVER")


def game_stats() -> dict[str, Any]:
    """System-wide room and player figures from shared state (right with many processes)."""
    live = Room.objects.exclude(status="closed")
    by_phase = dict.fromkeys(PHASES, 0)
    for row in live.values("phase").annotate(n=Count("id")):
        by_phase[row["phase"]] = row["n"]
    by_status = {"open": 0, "playing": 0, "finished": 0, "closed": 0}
    for row in Room.objects.values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    stale = timezone.now() - timedelta(seconds=settings.LIAPTUI["CONNECTION_STALE_AFTER"])
    seats = Seat.objects.filter(room__in=live)
    duration = Room.objects.filter(
        game_finished_at__isnull=False, game_started_at__isnull=False
    ).aggregate(avg=Avg(F("game_finished_at") - F("game_started_at")))["avg"]
    rooms = []
    connected = set(
        Connection.objects.filter(last_seen_at__gte=stale, room__isnull=False).values_list(
            "room_id", "player_id"
        )
    )
    seat_rows: dict[Any, list[Seat]] = {}
    live_rooms = list(live.order_by("-last_activity_at")[:200])
    for seat in Seat.objects.filter(room__in=live_rooms).order_by("index"):
        seat_rows.setdefault(seat.room_id, []).append(seat)
    for room in live_rooms:
        rs = seat_rows.get(room.id, [])
        rooms.append(
            {
                "room_id": str(room.id),
                "code": room.code,
                "name": room.name,
                "status": room.status,
                "phase": room.phase,
                "round": room.round_number or None,
                "version": room.version,
                "seats": [
                    {
                        "seat": s.index,
                        "name": s.name or None,
                        "is_bot": s.is_bot,
                        "connected": (room.id, s.player_id) in connected if s.player_id else False,
                        "bot_controlled": s.is_bot or s.away,
                    }
                    for s in rs
                ],
                "humans": sum(1 for s in rs if s.player_id),
                "bots": sum(1 for s in rs if s.is_bot),
                "created_at": room.created_at.isoformat(),
                "last_activity_at": room.last_activity_at.isoformat(),
            }
        )
    return {
        "rooms_active": live.filter(status__in=("open", "playing")).count(),
        "rooms_by_phase": by_phase,
        "rooms_by_status": by_status,
        "connections_active": Connection.objects.filter(last_seen_at__gte=stale).count(),
        "humans_seated": seats.filter(player__isnull=False).count(),
        "bots_seated": seats.filter(is_bot=True).count(),
        "humans_disconnected": seats.filter(player__isnull=False, away=True).count(),
        "games_finished": sum(Room.objects.values_list("games_finished", flat=True)),
        "games_in_progress": live.filter(status="playing").count(),
        "average_game_duration_seconds": duration.total_seconds() if duration else None,
        "rooms": rooms,
    }
