"""The room as a fold of its stream: seats, host, settings and the game.

A room's stream holds two kinds of events: room events (who sits where,
bots, host, settings, presence, closing), folded here, and game events,
folded by the engine. Pure Python: no Django, no I/O, so the room can be
rebuilt and compared anywhere (services, replay pages, integrity checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from games import engine
from games.engine import GameState, Phase

SEATS = 4
ROOM_EVENT_TYPES = (
    "room_created",
    "seat_taken",
    "seat_left",
    "bot_added",
    "bot_removed",
    "host_changed",
    "settings_changed",
    "player_away",
    "player_back",
    "room_closed",
)
GAME_EVENT_TYPES = frozenset(engine.EVENT_TYPES)


@dataclass(frozen=True)
class RoomSettings:
    """Per-room settings. Pauses are presentation only, never rules."""

    target_score: int = 50
    action_time_limit: float = 60.0  # seconds; 0 = off
    redeal_window: float = 30.0
    bot_delay: float = 1.0
    turn_pause: float = 2.5
    round_pause: float = 5.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_score": self.target_score,
            "action_time_limit": self.action_time_limit,
            "redeal_window": self.redeal_window,
            "bot_delay": self.bot_delay,
            "turn_pause": self.turn_pause,
            "round_pause": self.round_pause,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoomSettings:
        known = {k: data[k] for k in cls().to_dict() if k in data}
        return cls(**known)


@dataclass(frozen=True)
class SeatInfo:
    """Who holds a seat. A human who is away is played by the bot strategy."""

    player_id: str | None = None
    name: str | None = None
    is_bot: bool = False
    strategy: str = ""
    away: bool = False

    @property
    def occupied(self) -> bool:
        return self.is_bot or self.player_id is not None

    @property
    def bot_controlled(self) -> bool:
        return self.is_bot or self.away

    def to_dict(self) -> dict[str, Any]:
        return {
            "player_id": self.player_id,
            "name": self.name,
            "is_bot": self.is_bot,
            "strategy": self.strategy,
            "away": self.away,
        }


EMPTY_SEATS = (SeatInfo(), SeatInfo(), SeatInfo(), SeatInfo())


@dataclass(frozen=True)
class RoomState:
    """Everything a room is at one version of its stream."""

    room_id: str = ""
    code: str = ""
    name: str = ""
    host: str | None = None
    is_public: bool = True
    settings: RoomSettings = field(default_factory=RoomSettings)
    seats: tuple[SeatInfo, ...] = EMPTY_SEATS
    closed: bool = False
    close_reason: str = ""
    game: GameState = field(default_factory=GameState.initial)
    games_finished: int = 0
    version: int = 0
    last_event_at: datetime | None = None
    last_game_event: str = ""
    last_game_event_at: datetime | None = None
    redeal_offered_at: datetime | None = None
    game_started_at: datetime | None = None

    @property
    def phase(self) -> Phase:
        return self.game.phase

    @property
    def status(self) -> str:
        if self.closed:
            return "closed"
        if self.game.phase is Phase.WAITING:
            return "open"
        if self.game.phase is Phase.GAME_OVER:
            return "finished"
        return "playing"

    @property
    def in_game(self) -> bool:
        return self.game.phase not in (Phase.WAITING, Phase.GAME_OVER)

    def seat_of(self, player_id: str | None) -> int | None:
        if player_id is None:
            return None
        for index, seat in enumerate(self.seats):
            if seat.player_id == player_id:
                return index
        return None

    def humans(self) -> list[int]:
        return [i for i, s in enumerate(self.seats) if s.player_id is not None]

    def is_full(self) -> bool:
        return all(s.occupied for s in self.seats)


def _seat(state: RoomState, index: int, seat: SeatInfo) -> RoomState:
    seats = list(state.seats)
    seats[index] = seat
    return replace(state, seats=tuple(seats))


def _apply_room_event(state: RoomState, type_: str, data: dict[str, Any]) -> RoomState:
    if type_ == "room_created":
        return replace(
            state,
            room_id=data["room_id"],
            code=data["code"],
            name=data["name"],
            host=data.get("host"),
            is_public=bool(data.get("is_public", True)),
            settings=RoomSettings.from_dict(data.get("settings", {})),
        )
    if type_ == "seat_taken":
        return _seat(state, data["seat"], SeatInfo(player_id=data["player_id"], name=data["name"]))
    if type_ == "seat_left":
        if data.get("replaced_by_bot"):
            return _seat(
                state,
                data["seat"],
                SeatInfo(name=data["bot_name"], is_bot=True, strategy="strategic"),
            )
        return _seat(state, data["seat"], SeatInfo())
    if type_ == "bot_added":
        return _seat(
            state,
            data["seat"],
            SeatInfo(name=data["name"], is_bot=True, strategy=data.get("strategy", "strategic")),
        )
    if type_ == "bot_removed":
        return _seat(state, data["seat"], SeatInfo())
    if type_ == "host_changed":
        return replace(state, host=data.get("player_id"))
    if type_ == "settings_changed":
        merged = {**state.settings.to_dict(), **data["settings"]}
        return replace(state, settings=RoomSettings.from_dict(merged))
    if type_ in ("player_away", "player_back"):
        seat = state.seats[data["seat"]]
        return _seat(state, data["seat"], replace(seat, away=type_ == "player_away"))
    if type_ == "room_closed":
        return replace(state, closed=True, close_reason=data.get("reason", ""))
    raise ValueError(f"unknown room event type {type_!r}")


def apply_event(
    state: RoomState,
    type_: str,
    data: dict[str, Any],
    at: datetime | None = None,
    version: int | None = None,
    event: engine.Event | None = None,
) -> RoomState:
    """Fold one stored event (room or game) into the room.

    ``event``, when given, is the engine event ``decide`` emitted for this
    (type, data): evolve then reuses the fold decide already made.
    """
    if type_ in GAME_EVENT_TYPES:
        game = engine.evolve(state.game, event if event is not None else engine.Event(type_, data))
        changes: dict[str, Any] = {"game": game, "last_game_event": type_, "last_game_event_at": at}
        if type_ == "redeal_offered":
            changes["redeal_offered_at"] = at
        elif type_ == "game_started":
            changes["game_started_at"] = at
        elif type_ == "game_over":
            changes["games_finished"] = state.games_finished + 1
        new = replace(state, **changes)
    else:
        new = _apply_room_event(state, type_, data)
    return replace(
        new, version=version if version is not None else new.version + 1, last_event_at=at
    )


@dataclass(frozen=True, slots=True)
class FoldEvent:
    """An event in the shape ``fold`` reads, for events that are not rows of the
    store: one about to be appended (with ``event``, the engine event ``decide``
    emitted, whose fold is then a lookup) or one a room change carried between
    processes."""

    type: str
    data: dict[str, Any]
    recorded_at: datetime | None
    version: int
    event: Any = None


def fold(events: list[Any], state: RoomState | None = None) -> RoomState:
    """Fold stored events (objects with type, data, recorded_at, version and, for
    events not stored yet, optionally the engine ``event`` they came from)."""
    state = state or RoomState()
    for ev in events:
        state = apply_event(
            state, ev.type, ev.data, ev.recorded_at, ev.version, getattr(ev, "event", None)
        )
    return state


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def room_state_to_dict(state: RoomState) -> dict[str, Any]:
    """JSON-safe form (for snapshots, the audit API and the channel layer)."""
    return {
        "room_id": state.room_id,
        "code": state.code,
        "name": state.name,
        "host": state.host,
        "is_public": state.is_public,
        "settings": state.settings.to_dict(),
        "seats": [s.to_dict() for s in state.seats],
        "closed": state.closed,
        "close_reason": state.close_reason,
        "game": engine.state_to_dict(state.game),
        "games_finished": state.games_finished,
        "version": state.version,
        "last_event_at": _iso(state.last_event_at),
        "last_game_event": state.last_game_event,
        "last_game_event_at": _iso(state.last_game_event_at),
        "redeal_offered_at": _iso(state.redeal_offered_at),
        "game_started_at": _iso(state.game_started_at),
    }


def room_state_from_dict(data: dict[str, Any]) -> RoomState:
    def dt(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return RoomState(
        room_id=data["room_id"],
        code=data["code"],
        name=data["name"],
        host=data["host"],
        is_public=data["is_public"],
        settings=RoomSettings.from_dict(data["settings"]),
        seats=tuple(SeatInfo(**s) for s in data["seats"]),
        closed=data["closed"],
        close_reason=data["close_reason"],
        game=engine.state_from_dict(data["game"]),
        games_finished=data["games_finished"],
        version=data["version"],
        last_event_at=dt(data["last_event_at"]),
        last_game_event=data["last_game_event"],
        last_game_event_at=dt(data["last_game_event_at"]),
        redeal_offered_at=dt(data["redeal_offered_at"]),
        game_started_at=dt(data["game_started_at"]),
    )
