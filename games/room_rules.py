"""Room commands and their rules: who may sit, add bots, kick, start, act.

``decide_room`` is the room-level twin of ``engine.decide``: it checks the
actor's right to do something (host controls, own seat only) and turns a
room command into events, delegating game commands to the engine with the
actor's seat taken from the room, never from the client. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from games import engine
from games.engine import RuleViolation
from games.room_state import SEATS, RoomSettings, RoomState

SETTINGS_LIMITS: dict[str, tuple[type, float, float]] = {
    "target_score": (int, 1, 1000),
    "action_time_limit": (float, 0, 3600),
    "redeal_window": (float, 0, 600),
    "bot_delay": (float, 0, 10),
    "turn_pause": (float, 0, 30),
    "round_pause": (float, 0, 60),
}
BOT_STRATEGIES = ("strategic", "random")


@dataclass(frozen=True)
class Actor:
    """Who asks: a player (by id) or the system (timers, recovery, staff)."""

    player_id: str | None
    name: str = ""
    system: bool = False


SYSTEM = Actor(player_id=None, system=True)


@dataclass(frozen=True)
class TakeSeat:
    seat: int


@dataclass(frozen=True)
class LeaveSeat:
    pass


@dataclass(frozen=True)
class AddBot:
    seat: int
    strategy: str = "strategic"


@dataclass(frozen=True)
class RemoveBot:
    seat: int


@dataclass(frozen=True)
class Kick:
    seat: int


@dataclass(frozen=True)
class StartGame:
    pass


@dataclass(frozen=True)
class ChangeSettings:
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RedealChoice:
    accept: bool


@dataclass(frozen=True)
class DeclareValue:
    value: int


@dataclass(frozen=True)
class PlayPieces:
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class MarkAway:
    seat: int


@dataclass(frozen=True)
class MarkBack:
    seat: int


@dataclass(frozen=True)
class CloseRoom:
    reason: str


@dataclass(frozen=True)
class EngineCommand:
    """A system-issued engine command (timers, bots, recovery)."""

    command: Any


RoomCommand = (
    TakeSeat
    | LeaveSeat
    | AddBot
    | RemoveBot
    | Kick
    | StartGame
    | ChangeSettings
    | RedealChoice
    | DeclareValue
    | PlayPieces
    | MarkAway
    | MarkBack
    | CloseRoom
    | EngineCommand
)


def validate_settings(raw: dict[str, Any], base: RoomSettings | None = None) -> RoomSettings:
    """Check each setting's type and range; unknown keys are an error, not ignored."""
    if not isinstance(raw, dict):
        raise RuleViolation("bad_settings", "Settings must be an object.")
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SETTINGS_LIMITS:
            raise RuleViolation("bad_settings", f"Unknown setting {key!r}.")
        kind, low, high = SETTINGS_LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RuleViolation("bad_settings", f"{key} must be a number.")
        if kind is int and not float(value).is_integer():
            raise RuleViolation("bad_settings", f"{key} must be a whole number.")
        if not low <= value <= high:
            raise RuleViolation("bad_settings", f"{key} must be between {low:g} and {high:g}.")
        clean[key] = int(value) if kind is int else float(value)
    merged = {**(base or RoomSettings()).to_dict(), **clean}
    return RoomSettings.from_dict(merged)


def _ev(type_: str, **data: Any) -> engine.Event:
    return engine.Event(type_, data)


def _check_seat_index(seat: Any) -> int:
    if isinstance(seat, bool) or not isinstance(seat, int) or not 0 <= seat < SEATS:
        raise RuleViolation("bad_seat", "Seat must be a number from 0 to 3.")
    return seat


def _require_host(state: RoomState, actor: Actor) -> None:
    if actor.system:
        return
    if actor.player_id is None or actor.player_id != state.host:
        raise RuleViolation("not_host", "Only the host can do that.")


def _require_not_in_game(state: RoomState) -> None:
    if state.in_game:
        raise RuleViolation("game_in_progress", "Not while a game is in progress.")


def _own_seat(state: RoomState, actor: Actor) -> int:
    seat = state.seat_of(actor.player_id)
    if seat is None:
        raise RuleViolation("not_seated", "You do not hold a seat in this room.")
    return seat


def _next_host(state: RoomState, leaving_seat: int) -> str | None:
    for offset in range(1, SEATS):
        seat = state.seats[(leaving_seat + offset) % SEATS]
        if seat.player_id is not None:
            return seat.player_id
    return None


def _vacate(state: RoomState, seat: int, reason: str) -> list[engine.Event]:
    """Events for a human leaving ``seat``: freed, or handed to a bot mid-game."""
    info = state.seats[seat]
    events: list[engine.Event] = []
    if state.in_game:
        events.append(
            _ev(
                "seat_left",
                seat=seat,
                player_id=info.player_id,
                reason=reason,
                replaced_by_bot=True,
                bot_name=f"Bot {seat + 1}",
            )
        )
    else:
        events.append(
            _ev(
                "seat_left",
                seat=seat,
                player_id=info.player_id,
                reason=reason,
                replaced_by_bot=False,
            )
        )
    if info.player_id == state.host:
        events.append(
            _ev("host_changed", player_id=_next_host(state, seat), reason=f"host {reason}")
        )
    return events


def decide_room(state: RoomState, actor: Actor, command: Any, seed: str) -> list[engine.Event]:
    """Events for ``command`` by ``actor`` or a RuleViolation; never changes ``state``."""
    if state.closed:
        raise RuleViolation("room_closed", "This room is closed.")
    match command:
        case TakeSeat(seat=seat):
            seat = _check_seat_index(seat)
            if state.seat_of(actor.player_id) is not None:
                raise RuleViolation("already_seated", "You already hold a seat in this room.")
            _require_not_in_game(state)
            if state.seats[seat].occupied:
                raise RuleViolation("seat_taken", f"Seat {seat} is taken.")
            return [
                _ev("seat_taken", seat=seat, player_id=actor.player_id, name=actor.name or "Player")
            ] + (
                [_ev("host_changed", player_id=actor.player_id, reason="empty room")]
                if state.host is None
                else []
            )
        case LeaveSeat():
            return _vacate(state, _own_seat(state, actor), "left")
        case AddBot(seat=seat, strategy=strategy):
            _require_host(state, actor)
            _require_not_in_game(state)
            seat = _check_seat_index(seat)
            if strategy not in BOT_STRATEGIES:
                raise RuleViolation(
                    "bad_strategy", f"Bot strategy must be one of {', '.join(BOT_STRATEGIES)}."
                )
            if state.seats[seat].occupied:
                raise RuleViolation("seat_taken", f"Seat {seat} is taken.")
            return [_ev("bot_added", seat=seat, name=f"Bot {seat + 1}", strategy=strategy)]
        case RemoveBot(seat=seat):
            _require_host(state, actor)
            _require_not_in_game(state)
            seat = _check_seat_index(seat)
            if not state.seats[seat].is_bot:
                raise RuleViolation("not_a_bot", f"Seat {seat} is not a bot.")
            return [_ev("bot_removed", seat=seat)]
        case Kick(seat=seat):
            _require_host(state, actor)
            seat = _check_seat_index(seat)
            target = state.seats[seat]
            if target.player_id is None:
                raise RuleViolation("not_a_human", f"Seat {seat} has no human to kick.")
            if target.player_id == actor.player_id:
                raise RuleViolation("cannot_kick_self", "You cannot kick yourself; leave instead.")
            return _vacate(state, seat, "kicked")
        case StartGame():
            _require_host(state, actor)
            if state.in_game:
                raise RuleViolation("game_in_progress", "A game is already in progress.")
            if not state.is_full():
                raise RuleViolation("seats_not_full", "All four seats must be filled to start.")
            players = tuple(s.name or f"Seat {i}" for i, s in enumerate(state.seats))
            return engine.decide(
                state.game,
                engine.StartGame(
                    seed=seed, players=players, target_score=state.settings.target_score
                ),
            )
        case ChangeSettings(settings=raw):
            _require_host(state, actor)
            _require_not_in_game(state)
            new = validate_settings(raw, state.settings)
            return [_ev("settings_changed", settings=new.to_dict())]
        case RedealChoice(accept=accept):
            seat = _own_seat(state, actor)
            return engine.decide(
                state.game, engine.RedealDecision(seat=seat, accept=accept, seed=seed)
            )
        case DeclareValue(value=value):
            seat = _own_seat(state, actor)
            return engine.decide(state.game, engine.Declare(seat=seat, value=value, seed=seed))
        case PlayPieces(pieces=pieces):
            seat = _own_seat(state, actor)
            return engine.decide(
                state.game, engine.Play(seat=seat, pieces=tuple(pieces), seed=seed)
            )
        case MarkAway(seat=seat):
            if state.seats[seat].player_id is None or state.seats[seat].away:
                return []
            return [_ev("player_away", seat=seat, player_id=state.seats[seat].player_id)]
        case MarkBack(seat=seat):
            if not state.seats[seat].away:
                return []
            return [_ev("player_back", seat=seat, player_id=state.seats[seat].player_id)]
        case CloseRoom(reason=reason):
            if not actor.system:
                _require_host(state, actor)
            return [_ev("room_closed", reason=reason)]
        case EngineCommand(command=cmd):
            if not actor.system:
                raise RuleViolation("not_allowed", "Only the server issues that command.")
            return engine.decide(state.game, cmd)
    raise RuleViolation("bad_command", "Unknown command.")
