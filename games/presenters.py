"""What one connection is sent: its own player's view of the room, no more.

The game part is ``engine.view`` for the connection's seat (spectators get
the seat-less view), so a player never receives another player's hand.
Player ids stay server-side: seats are shown by name and flags.
"""

from __future__ import annotations

from typing import Any

from games import engine
from games.room_state import RoomState
from games.room_timing import due_action


def room_public(state: RoomState, player_id: str | None) -> dict[str, Any]:
    host_seat = state.seat_of(state.host)
    seats = []
    for index, seat in enumerate(state.seats):
        seats.append(
            {
                "seat": index,
                "name": seat.name,
                "occupied": seat.occupied,
                "is_bot": seat.is_bot,
                "away": seat.away,
                "is_host": host_seat == index,
                "is_you": player_id is not None and seat.player_id == player_id,
            }
        )
    return {
        "room_id": state.room_id,
        "code": state.code,
        "name": state.name,
        "status": state.status,
        "is_public": state.is_public,
        "settings": state.settings.to_dict(),
        "seats": seats,
        "games_finished": state.games_finished,
        "closed": state.closed,
    }


def deadline(state: RoomState) -> dict[str, Any] | None:
    due = due_action(state)
    if due is None:
        return None
    return {"kind": due.kind, "seat": due.seat, "at": due.due_at.isoformat()}


def state_message(state: RoomState, player_id: str | None) -> dict[str, Any]:
    seat = state.seat_of(player_id)
    return {
        "type": "state",
        "version": state.version,
        "room": room_public(state, player_id),
        "you": {
            "seat": seat,
            "is_host": player_id is not None and player_id == state.host,
            "spectator": seat is None,
        },
        "game": engine.view(state.game, seat),
        "deadline": deadline(state),
    }
