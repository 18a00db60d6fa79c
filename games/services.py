"""Writes: players, rooms and every command that changes a room.

One path for everything that changes a game: load the room's state, let the
rules decide (``decide_room`` → engine), append the events with the
expected version in one transaction together with the projections, retry on
a version conflict, and after commit publish the change and plan the next
automatic action. Humans, bots, timers and recovery all come through here.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from eventstore import services as es_services
from eventstore.async_append import async_append_enabled, event_append_if_head_known
from eventstore.errors import ConcurrencyError
from eventstore.types import NewEvent
from games import scheduler
from games.engine import RuleViolation
from games.loading import cache_get, cache_put, room_state_load
from games.models import Connection, Player, RejectedCommand, Room, Seat
from games.projection import apply_room_changes, project_room, room_row_projection
from games.publishing import deferred_publishing, publish_room_change, send_deferred
from games.room_rules import (
    SYSTEM,
    Actor,
    CloseRoom,
    DeclareValue,
    EngineCommand,
    MarkAway,
    MarkBack,
    PlayPieces,
    RedealChoice,
    StartGame,
    validate_settings,
)
from games.room_rules import decide_room as _decide_room
from games.room_state import FoldEvent, RoomSettings, RoomState, fold
from games.room_timing import DueAction, due_action
from liaptui.correlation import current_correlation_id
from liaptui.logging_setup import get_logger
from monitoring import recorder
from monitoring.levers import current_levers, fresh_cached_levers

game_log = get_logger("game_event")
perf_log = get_logger("performance")
MAX_ATTEMPTS = 8
NAME_MAX = 24
ROOM_NAME_MAX = 40
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
SNAPSHOT_EVERY = 200
SEAT_EVENTS = {"seat_taken", "seat_left", "bot_added", "bot_removed", "player_away", "player_back"}
LOBBY_EVENTS = SEAT_EVENTS | {
    "room_created",
    "room_closed",
    "game_started",
    "game_over",
    "settings_changed",
    "host_changed",
}


# --- names -------------------------------------------------------------------


def clean_display_name(raw: Any, *, field: str = "name", limit: int = NAME_MAX) -> str:
    """1..limit printable characters, inner whitespace collapsed."""
    if not isinstance(raw, str):
        raise RuleViolation("bad_name", f"The {field} must be text.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in raw):
        raise RuleViolation("bad_name", f"The {field} may not contain control characters.")
    name = " ".join(raw.split())
    if not name:
        raise RuleViolation("bad_name", f"The {field} may not be empty.")
    if len(name) > limit:
        raise RuleViolation("bad_name", f"The {field} may be at most {limit} characters.")
    return name


def _refuse_writes_if_read_only() -> None:
    if current_levers().read_only:
        raise RuleViolation(
            "read_only",
            "The server is in read-only mode for maintenance; nothing can be changed right now.",
        )


# --- players -----------------------------------------------------------------


def player_create(*, name: Any, user: Any = None) -> Player:
    _refuse_writes_if_read_only()
    return Player.objects.create(name=clean_display_name(name), user=user)


def player_rename(*, player: Player, name: Any) -> Player:
    _refuse_writes_if_read_only()
    player.name = clean_display_name(name)
    player.save(update_fields=["name", "last_seen_at"])
    return player


# --- rooms -------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def room_create(
    *,
    player: Player,
    name: Any = "",
    is_public: bool = True,
    settings: dict[str, Any] | None = None,
) -> Room:
    """A new room with ``player`` as host in seat 0."""
    _refuse_writes_if_read_only()
    if current_levers().maintenance_mode:
        raise RuleViolation(
            "maintenance", "The server is in maintenance mode: no new rooms for now."
        )
    room_name = clean_display_name(
        name or f"{player.name}'s table", field="room name", limit=ROOM_NAME_MAX
    )
    if not isinstance(is_public, bool):
        raise RuleViolation("bad_settings", "is_public must be true or false.")
    from django.conf import settings as dj

    defaults = dj.LIAPTUI
    base = RoomSettings(
        target_score=defaults["TARGET_SCORE"],
        action_time_limit=defaults["ACTION_TIME_LIMIT"],
        redeal_window=defaults["REDEAL_WINDOW"],
        bot_delay=defaults["BOT_DELAY"],
        turn_pause=defaults["TURN_RESULT_PAUSE"],
        round_pause=defaults["ROUND_RESULT_PAUSE"],
    )
    room_settings = validate_settings(settings or {}, base)
    for _ in range(10):
        room = Room(
            code=_new_code(),
            name=room_name,
            host=player,
            is_public=is_public,
            settings=room_settings.to_dict(),
        )
        room.stream_id = f"room-{room.id}"
        events = [
            NewEvent(
                "room_created",
                {
                    "room_id": str(room.id),
                    "code": room.code,
                    "name": room_name,
                    "host": str(player.id),
                    "is_public": is_public,
                    "settings": room_settings.to_dict(),
                },
                _metadata(Actor(str(player.id)), "http"),
            ),
            NewEvent(
                "seat_taken",
                {"seat": 0, "player_id": str(player.id), "name": player.name},
                _metadata(Actor(str(player.id)), "http"),
            ),
        ]
        try:
            with transaction.atomic():
                room.save(force_insert=True)
                stored = es_services.event_append(
                    stream_id=room.stream_id, events=events, expected_version=0
                )
                state = fold(stored)
                project_room(room, state, None, timezone.now(), seats_changed=True)
        except IntegrityError:
            continue  # code collision: draw another
        recorder.events_appended(len(stored))
        _after_commit(room, state, stored)
        game_log.info(
            "room_created",
            room_id=str(room.id),
            details={"code": room.code, "host": str(player.id)},
        )
        return room
    raise RuntimeError("could not allocate a room code")


def _metadata(actor: Actor, source: str, **extra: Any) -> dict[str, Any]:
    return {
        "correlation_id": current_correlation_id(),
        "actor": "system" if actor.system else actor.player_id,
        "source": source,
        **extra,
    }


@dataclass(frozen=True)
class CommandResult:
    state: RoomState
    events: list[tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class _Change:
    """A decided change, folded (with the append's own time) before it is written."""

    new_events: list[NewEvent]
    now: datetime
    state: RoomState
    due: DueAction | None
    seats_changed: bool
    snapshot_due: bool

    def is_plain(self, room: Room) -> bool:
        """No seat rows, snapshot or stream status to write: one atomic statement will do."""
        return not (
            self.seats_changed or self.snapshot_due or self.state.closed or room._state.adding
        )


def _change(state: RoomState, events: list[Any], actor: Actor, source: str) -> _Change:
    meta = _metadata(actor, source)
    now = timezone.now()
    new_state = fold(
        [FoldEvent(e.type, e.data, now, state.version + i, e) for i, e in enumerate(events, 1)],
        state,
    )
    game_over = new_state.status == "finished" and any(e.type == "game_over" for e in events)
    return _Change(
        new_events=[NewEvent(e.type, e.data, meta) for e in events],
        now=now,
        state=new_state,
        due=due_action(new_state),
        seats_changed=any(e.type in SEAT_EVENTS for e in events),
        snapshot_due=game_over
        or (new_state.version // SNAPSHOT_EVERY > state.version // SNAPSHOT_EVERY),
    )


def _commit(
    room: Room, state: RoomState, events: list[Any], actor: Actor, source: str
) -> CommandResult:
    """Append ``events`` at ``state.version``; project; publish and plan after commit.

    A plain command (no seat change, no snapshot, room not closing) is one
    atomic write of its events and the Room row; anything else runs in one
    transaction with the seat rows, snapshot and stream status.
    """
    change = _change(state, events, actor, source)
    new_state = change.state
    if change.is_plain(room):
        apply_room_changes(room, new_state, change.due, change.now)
        stored = es_services.event_append(
            stream_id=room.stream_id,
            events=change.new_events,
            expected_version=state.version,
            recorded_at=change.now,
            projection=room_row_projection(room),
        )
    else:
        with transaction.atomic():
            stored = es_services.event_append(
                stream_id=room.stream_id,
                events=change.new_events,
                expected_version=state.version,
                recorded_at=change.now,
            )
            project_room(room, new_state, change.due, change.now, change.seats_changed)
            if change.snapshot_due:
                es_services.snapshot_save(
                    stream_id=room.stream_id,
                    version=new_state.version,
                    state=_snapshot_dict(new_state),
                )
            if new_state.closed:
                es_services.stream_mark_finished(room.stream_id)
    _after_commit(room, new_state, stored)
    return _committed(room, new_state, stored, actor)


def _committed(room: Room, state: RoomState, stored: list[Any], actor: Actor) -> CommandResult:
    recorder.events_appended(len(stored))
    pairs = [(e.type, e.data) for e in stored]
    _log_game_events(room, pairs, actor)
    return CommandResult(state, pairs)


def _snapshot_dict(state: RoomState) -> dict[str, Any]:
    from games.room_state import room_state_to_dict

    return room_state_to_dict(state)


def _after_commit(room: Room, state: RoomState, events: list[Any]) -> None:
    """Publish the change (its stored events) and plan the room's next action, after commit."""
    cid = current_correlation_id()
    transaction.on_commit(lambda: _publish(room, state, events, cid))


def _publish(room: Room, state: RoomState, events: list[Any], cid: str | None) -> None:
    cache_put(room.stream_id, state)
    lobby = any(e.type in LOBBY_EVENTS for e in events)
    publish_room_change(state, events, cid, lobby)
    due = due_action(state)
    if due is not None:
        scheduler.plan(room, state.version, due.due_at)


def _log_game_events(room: Room, events: list[tuple[str, dict[str, Any]]], actor: Actor) -> None:
    for type_, data in events:
        if type_ == "hands_dealt":
            data = {k: v for k, v in data.items() if k not in ("hands", "seed")}
        game_log.info(
            type_,
            room_id=str(room.id),
            details={**data, "actor": "system" if actor.system else actor.player_id},
        )


def room_command(
    *, room: Room, actor: Actor, command: Any, source: str = "websocket"
) -> CommandResult:
    """Apply one command to a room: decide, append with retry, publish after commit."""
    started = time.perf_counter()
    name = type(command).__name__
    levers = current_levers()
    ok = False
    try:
        if levers.read_only:
            raise RuleViolation(
                "read_only",
                "The server is in read-only mode for maintenance; "
                "nothing can be changed right now.",
            )
        for attempt in range(MAX_ATTEMPTS):
            # First try on the cached state; a conflict or a refusal is
            # re-checked against the stream before it counts.
            optimistic = attempt == 0
            state = room_state_load(room.stream_id, trust_cache=optimistic)
            if isinstance(command, StartGame) and levers.maintenance_mode:
                raise RuleViolation(
                    "maintenance", "The server is in maintenance mode: no new games for now."
                )
            try:
                events = _decide_room(state, actor, command, secrets.token_hex(16))
            except RuleViolation:
                if optimistic:
                    continue
                raise
            if not events:
                ok = True
                return CommandResult(state, [])
            try:
                result = _commit(room, state, events, actor, source)
                ok = True
                return result
            except ConcurrencyError:
                perf_log.info(
                    "version_conflict", room_id=str(room.id), details={"attempt": attempt + 1}
                )
                continue
        raise RuleViolation("busy", "The room is very busy; please try again.")
    except RuleViolation as exc:
        if not actor.system and exc.code not in ("read_only",):
            _record_rejection(room, actor, command, exc)
        raise
    finally:
        recorder.command_timed(name, time.perf_counter() - started, ok)


def _record_rejection(room: Room, actor: Actor, command: Any, exc: RuleViolation) -> None:
    try:
        state_version = (
            Room.objects.filter(pk=room.pk).values_list("version", flat=True).first() or 0
        )
        seat = (
            Seat.objects.filter(room=room, player_id=actor.player_id)
            .values_list("index", flat=True)
            .first()
            if actor.player_id
            else None
        )
        RejectedCommand.objects.create(
            room=room,
            player_id=actor.player_id,
            seat=seat,
            at_version=state_version,
            command=_describe(command),
            code=exc.code,
            message=exc.message[:300],
            correlation_id=current_correlation_id() or "",
        )
    except Exception:  # noqa: BLE001 - auditing a refusal must never turn it into a crash
        get_logger("error").exception("rejection_not_recorded", room_id=str(room.id))


def _describe(command: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    body = asdict(command) if is_dataclass(command) else {"repr": repr(command)}
    body = {k: (list(v) if isinstance(v, tuple) else v) for k, v in body.items()}
    return {"command": type(command).__name__, **body}


# --- the hot path on the event loop -----------------------------------------

# A player's move: nothing but the room's own events and its Room row change.
LOOP_COMMANDS = (DeclareValue, PlayPieces, RedealChoice)


async def room_command_on_loop(
    *, room: Room, actor: Actor, command: Any, source: str = "websocket"
) -> CommandResult | None:
    """``room_command``'s common case without leaving the event loop.

    A move decided on the process's cached state and written as one
    self-committing statement (``event_append_if_head_known``), then published
    from the loop: no worker thread in the player's path, and moves of
    different rooms are written concurrently. Returns None when this is not
    that case (other commands, no cached state, stale levers, a refusal, a
    seat or snapshot change, or the append did not happen): the caller then
    runs ``room_command``, which re-checks against the stream and gives the
    final answer, so a refusal is judged and recorded in one place only.
    """
    if not isinstance(command, LOOP_COMMANDS):
        return None
    state = _state_for_loop(room)
    if state is None:
        return None
    started = time.perf_counter()
    try:
        events = _decide_room(state, actor, command, secrets.token_hex(16))
    except RuleViolation:
        return None
    result = await _shielded_commit(room, state, events, actor, source)
    if result is not None:
        recorder.command_timed(type(command).__name__, time.perf_counter() - started, True)
    return result


async def room_advance_on_loop(*, room: Room, expected_version: int) -> bool:
    """``room_advance``'s common case (a timer's bot move, timeout, next
    round...) on the event loop, the same way as ``room_command_on_loop``.

    True when the timer is dealt with (acted, re-planned, or nothing is due);
    False when the caller must run ``room_advance`` in a worker thread (no
    cached state at that version, a refusal to log, or a change that is not
    one plain statement).
    """
    state = _state_for_loop(room)
    if state is None or state.version != expected_version:
        return False
    due = due_action(state)
    if due is None:
        return True
    if due.due_at > timezone.now():
        scheduler.plan(room, state.version, due.due_at)
        return True
    command = EngineCommand(due.command(secrets.token_hex(16)))
    try:
        events = _decide_room(state, SYSTEM, command, secrets.token_hex(16))
    except RuleViolation:
        return False
    return await _shielded_commit(room, state, events, SYSTEM, "scheduler") is not None


def _state_for_loop(room: Room) -> RoomState | None:
    """The cached state a loop-side write may start from, or None (no cache,
    not PostgreSQL, levers due for a re-read or read-only, room closed)."""
    if not async_append_enabled():
        return None
    levers = fresh_cached_levers()
    if levers is None or levers.read_only:
        return None
    state = cache_get(room.stream_id)
    return None if state is None or state.closed else state


async def _shielded_commit(
    room: Room, state: RoomState, events: list[Any], actor: Actor, source: str
) -> CommandResult | None:
    """``_commit_on_loop``, finished even if the caller is cancelled (a socket
    closing, a server shutting down): once the statement may have been sent,
    the change must still be cached, published and its next action planned,
    or the room would sit at a version no process knows it reached."""
    return await asyncio.shield(_commit_on_loop(room, state, events, actor, source))


async def _commit_on_loop(
    room: Room, state: RoomState, events: list[Any], actor: Actor, source: str
) -> CommandResult | None:
    """``_commit``'s plain case awaited on the loop; None if not written."""
    if not events:
        return None
    change = _change(state, events, actor, source)
    if not change.is_plain(room):
        return None
    # A copy: the caller's instance may be in use by a worker thread right now.
    row = copy.copy(room)
    apply_room_changes(row, change.state, change.due, change.now)
    stored = await event_append_if_head_known(
        stream_id=row.stream_id,
        events=change.new_events,
        expected_version=state.version,
        recorded_at=change.now,
        projection=room_row_projection(row),
    )
    if stored is None:
        return None
    _, messages = deferred_publishing(_publish)(row, change.state, stored, current_correlation_id())
    result = _committed(row, change.state, stored, actor)
    await send_deferred(messages)
    return result


# --- automatic actions -------------------------------------------------------


def room_advance(
    *,
    room_id: str,
    expected_version: int | None = None,
    now: datetime | None = None,
    source: str = "scheduler",
) -> RoomState | None:
    """Take the room's due automatic action if its time has come (one step).

    Returns the new state when it acted, None otherwise. When the room moved
    on since the plan (``expected_version``), whoever moved it planned anew.
    """
    room = Room.objects.filter(pk=room_id).first()
    if room is None or room.status == "closed":
        return None
    # The plan's version check and the append's expected version make a
    # stale cache harmless here: a conflict means someone else moved (and planned).
    state = room_state_load(room.stream_id, trust_cache=expected_version is not None)
    if expected_version is not None and state.version != expected_version:
        state = room_state_load(room.stream_id)
        if state.version != expected_version:
            return None
    due = due_action(state)
    now = now or timezone.now()
    if due is None:
        return None
    if due.due_at > now:
        scheduler.plan(room, state.version, due.due_at)
        return None
    if current_levers().read_only:
        return None
    command = EngineCommand(due.command(secrets.token_hex(16)))
    try:
        events = _decide_room(state, SYSTEM, command, secrets.token_hex(16))
        return _commit(room, state, events, SYSTEM, source).state
    except ConcurrencyError:
        return None
    except RuleViolation as exc:
        get_logger("error").error(
            "automatic_action_refused",
            room_id=str(room.id),
            details={"kind": due.kind, "code": exc.code, "message": exc.message},
        )
        return None


def room_advance_until_idle(
    *, room_id: str, max_steps: int = 5000, source: str = "maintenance"
) -> int:
    """Advance a room through every action already due (the sweep's catch-up)."""
    steps = 0
    while steps < max_steps:
        if room_advance(room_id=room_id, source=source) is None:
            break
        steps += 1
    return steps


def rooms_advance_overdue(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Finish every action whose deadline passed: the crash-safe backstop of the scheduler."""
    now = now or timezone.now()
    ids = list(
        Room.objects.filter(next_due_at__lte=now)
        .exclude(status="closed")
        .order_by("next_due_at")
        .values_list("id", flat=True)[:limit]
    )
    return {str(rid): room_advance_until_idle(room_id=str(rid)) for rid in ids}


def room_close(*, room: Room, reason: str) -> CommandResult:
    return room_command(
        room=room, actor=SYSTEM, command=CloseRoom(reason=reason), source="maintenance"
    )


# --- presence ----------------------------------------------------------------


def connection_open(
    *, channel_name: str, room: Room | None, player: Player | None, address: str, kind: str = "room"
) -> None:
    Connection.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "room": room,
            "player": player,
            "address": address[:64],
            "kind": kind,
            "last_seen_at": timezone.now(),
        },
    )
    if room is None:
        return
    state = room_state_load(room.stream_id)
    if player is not None and not current_levers().read_only:
        seat = state.seat_of(str(player.id))
        if seat is not None and state.seats[seat].away:
            state = room_command(
                room=room, actor=SYSTEM, command=MarkBack(seat=seat), source="presence"
            ).state
    # Whoever planned the room's next automatic action may have died (crash,
    # restart): plan it again here; a duplicate plan is harmless.
    due = due_action(state)
    if due is not None:
        scheduler.plan(room, state.version, due.due_at)


def connections_touch(*, channel_names: list[str]) -> int:
    """Mark these sockets alive now (the process heartbeat); returns rows touched."""
    now = timezone.now()
    touched = 0
    for start in range(0, len(channel_names), 1000):
        chunk = channel_names[start : start + 1000]
        touched += Connection.objects.filter(channel_name__in=chunk).update(last_seen_at=now)
    return touched


def connection_close(*, channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).delete()


def presence_check(*, room: Room, player_id: str, stale_after: float = 90.0) -> bool:
    """Mark a seated human away when none of their sockets to the room is alive.

    Runs concurrently with ``connection_open`` of a returning socket (a
    reload): the socket writes its row before it looks at the seat, and this
    looks for rows again after marking the seat away, so whichever runs
    second sees the other and the seat never stays away while a socket is open.
    """

    def live_socket() -> bool:
        fresh = timezone.now() - timedelta(seconds=stale_after)
        return Connection.objects.filter(
            room=room, player_id=player_id, last_seen_at__gte=fresh
        ).exists()

    if live_socket() or current_levers().read_only:
        return False
    state = room_state_load(room.stream_id)
    seat = state.seat_of(player_id)
    if seat is None or state.seats[seat].away or state.closed:
        return False
    room_command(room=room, actor=SYSTEM, command=MarkAway(seat=seat), source="presence")
    if live_socket():
        room_command(room=room, actor=SYSTEM, command=MarkBack(seat=seat), source="presence")
        return False
    return True


def connections_sweep_stale(*, stale_after: float = 90.0) -> int:
    """Drop sockets a dead process left behind, and hand their seats to bots."""
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    stale = list(
        Connection.objects.filter(last_seen_at__lt=cutoff).values_list("room_id", "player_id")
    )
    Connection.objects.filter(last_seen_at__lt=cutoff).delete()
    for room_id, player_id in {(r, p) for r, p in stale if r and p}:
        room = Room.objects.filter(pk=room_id).first()
        if room is not None:
            presence_check(room=room, player_id=str(player_id), stale_after=stale_after)
    return len(stale)
