"""WebSocket consumers: thin shells that validate frames and call services.

A socket knows its player from the session (never from the payload). Every
bad frame gets an ``error`` with a stable code and the socket stays open;
every accepted change reaches each socket as its own ``state``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from games import heartbeat, scheduler, selectors, services
from games.engine import RuleViolation
from games.loading import cache_get, cache_put, room_state_load
from games.presenters import state_message
from games.protocol import ClientMessage, ProtocolError, parse_client_frame, peek_ref
from games.publishing import (
    LOBBY_GROUP,
    deferred_publishing,
    public_event,
    room_group,
    send_deferred,
    state_after_change,
)
from games.rate_limits import allow_message
from games.room_rules import Actor
from games.threads import service_executor
from liaptui.correlation import bound_correlation_id, current_correlation_id
from liaptui.json import dumps
from liaptui.logging_setup import get_logger
from monitoring import recorder
from monitoring.levers import current_levers, fresh_cached_levers, last_known_levers
from monitoring.security import record_security_event

ws_log = get_logger("websocket")


def run_sync(func: Any) -> Any:
    """Run a service in a worker thread. Not thread-sensitive: rooms are
    independent and optimistic concurrency orders writers of one room, so
    sockets must not queue behind one another in a single thread."""
    return database_sync_to_async(func, thread_sensitive=False, executor=service_executor())


async def run_service(func: Any, **kwargs: Any) -> Any:
    """Run a writing service off the loop, then send what it published from the loop."""
    result, messages = await run_sync(deferred_publishing(func))(**kwargs)
    await send_deferred(messages)
    return result


_levers_refresh: asyncio.Future | None = None


async def levers_now() -> Any:
    """The levers for a frame, without putting a database read in front of it.

    Fresh cached levers are used as they are. Once they are due for a re-read,
    the last known ones still serve this frame while one background refresh
    runs (every frame hopping to a worker thread for the same row used to
    queue behind room commands every CACHE_SECONDS); only a process that has
    never read them waits for the read.
    """
    global _levers_refresh
    fresh = fresh_cached_levers()
    if fresh is not None:
        return fresh
    last = last_known_levers()
    if last is None:
        return await run_sync(current_levers)()
    loop = asyncio.get_running_loop()
    if _levers_refresh is None or _levers_refresh.done() or _levers_refresh.get_loop() is not loop:
        _levers_refresh = asyncio.ensure_future(run_sync(current_levers)())
    return last


_open_sockets = 0
_background: set[asyncio.Task] = set()


def _client_address(scope: dict[str, Any]) -> str:
    client = scope.get("client") or ("", 0)
    return str(client[0] or "")


class BaseConsumer(AsyncWebsocketConsumer):
    """Shared plumbing: accounting, rate limits, error replies."""

    kind = "base"

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch minus its per-message ``close_old_connections``.

        Upstream hops into the single thread-sensitive executor on every
        frame and group message to tidy database connections; these
        consumers never use the database there (all their database work runs
        through ``run_sync``, which tidies connections around each call), so
        the hop only serialised every socket of the process behind one thread.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=dumps(payload))
        recorder.ws_message("out", payload.get("type", "?"))

    async def send_error(self, code: str, message: str, ref: Any = None) -> None:
        await self.send_json(
            {
                "type": "error",
                "code": code,
                "message": message,
                "ref": ref,
                "correlation_id": current_correlation_id(),
            }
        )

    async def admit(self) -> bool:
        """Refuse blocked addresses and a full server before accepting."""
        global _open_sockets
        self.address = _client_address(self.scope)
        self.counted = False
        levers = await levers_now()
        if self.address in levers.blocked_addresses:
            record_security_event(
                "blocked_address", address=self.address, path=self.scope.get("path")
            )
            await self.close(code=4403)
            return False
        if _open_sockets >= settings.LIAPTUI["MAX_CONNECTIONS"]:
            ws_log.warning(
                "connection_limit_reached", details={"limit": settings.LIAPTUI["MAX_CONNECTIONS"]}
            )
            await self.accept()
            await self.send_error("server_full", "The server is full; please try again shortly.")
            await self.close(code=4429)
            return False
        scheduler.attach_loop(asyncio.get_running_loop())
        await self.accept()
        _open_sockets += 1
        self.counted = True
        recorder.ws_connected()
        return True

    async def release(self) -> None:
        global _open_sockets
        if getattr(self, "counted", False):
            _open_sockets -= 1
            self.counted = False
            recorder.ws_disconnected()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        started = time.perf_counter()
        levers = await levers_now()
        refused_by = allow_message(self, levers)
        if refused_by:
            recorder.rate_limited(refused_by)
            record_security_event(
                "rate_limited", scope=refused_by, address=self.address, path=self.scope.get("path")
            )
            await self.send_error(
                "rate_limited", "Too many messages; slow down.", peek_ref(text_data)
            )
            return
        try:
            message = parse_client_frame(
                text_data, bytes_data, settings.LIAPTUI["MAX_MESSAGE_BYTES"]
            )
        except ProtocolError as exc:
            recorder.error("protocol")
            ws_log.info("protocol_error", details={"code": exc.code, "address": self.address})
            if exc.code in ("message_too_large", "bad_json"):
                record_security_event("malformed_frame", code=exc.code, address=self.address)
            await self.send_error(exc.code, exc.message, exc.ref)
            return
        recorder.ws_message("in", message.type)
        with bound_correlation_id(None, **self.log_context()):
            try:
                await self.handle(message)
            except Exception:  # noqa: BLE001 - one bad message must not kill the socket
                recorder.error("internal")
                get_logger("error").exception("message_failed", details={"type": message.type})
                await self.send_error(
                    "internal_error",
                    "The server could not process this message; please try again.",
                    message.ref,
                )
                return
        recorder.ws_roundtrip(time.perf_counter() - started)

    def log_context(self) -> dict[str, Any]:
        return {}

    async def handle(self, message: ClientMessage) -> None:
        if message.type == "ping":
            await self.send_json(
                {
                    "type": "pong",
                    "ref": message.ref,
                    "t": (message.payload or {}).get("t"),
                    "server_time": time.time(),
                }
            )
        else:
            await self.send_error(
                "unknown_type", f"{message.type!r} is not available here.", message.ref
            )


class LobbyConsumer(BaseConsumer):
    """``/ws/lobby/``: the live list of open rooms."""

    kind = "lobby"

    async def connect(self) -> None:
        if not await self.admit():
            return
        self.pending_refresh = False
        await self.channel_layer.group_add(LOBBY_GROUP, self.channel_name)
        await run_sync(services.connection_open)(
            channel_name=self.channel_name,
            room=None,
            player=None,
            address=self.address,
            kind="lobby",
        )
        heartbeat.register(self.channel_name, run_sync, settings.LIAPTUI["CONNECTION_HEARTBEAT"])
        await self.send_rooms()

    async def disconnect(self, code: int) -> None:
        await self.release()
        await self.channel_layer.group_discard(LOBBY_GROUP, self.channel_name)
        heartbeat.unregister(self.channel_name)
        await run_sync(services.connection_close)(channel_name=self.channel_name)

    async def send_rooms(self) -> None:
        rooms = await run_sync(selectors.lobby_rooms)()
        await self.send_json({"type": "rooms", "rooms": rooms})

    async def handle(self, message: ClientMessage) -> None:
        if message.type == "sync":
            await self.send_rooms()
        else:
            await super().handle(message)

    async def lobby_changed(self, event: dict[str, Any]) -> None:
        # Coalesce bursts of changes into one refresh.
        if self.pending_refresh:
            return
        self.pending_refresh = True
        await asyncio.sleep(0.2)
        self.pending_refresh = False
        await self.send_rooms()


class RoomConsumer(BaseConsumer):
    """``/ws/rooms/<code>/``: players and spectators of one room."""

    kind = "room"

    async def connect(self) -> None:
        if not await self.admit():
            return
        self.room = None
        self.player = None
        self.sent_version = -1
        self.sent_state: Any = None  # the RoomState last sent as a ``state``
        self.sent_event_versions: set[int] = set()
        self.sent_event_floor = -1
        code = self.scope["url_route"]["kwargs"]["code"]
        self.room = await run_sync(selectors.room_by_code)(code)
        if self.room is None:
            await self.send_error("room_not_found", f"There is no room with code {code[:12]!r}.")
            await self.close(code=4404)
            return
        self.player = await run_sync(selectors.player_from_session)(self.scope.get("session"))
        self.player_id = str(self.player.id) if self.player else None
        self.group = room_group(str(self.room.id))
        await self.channel_layer.group_add(self.group, self.channel_name)
        with bound_correlation_id(None, **self.log_context()):
            try:
                await run_service(
                    services.connection_open,
                    channel_name=self.channel_name,
                    room=self.room,
                    player=self.player,
                    address=self.address,
                )
            except RuleViolation:
                pass  # e.g. read-only mode: the socket still gets the state
            heartbeat.register(
                self.channel_name, run_sync, settings.LIAPTUI["CONNECTION_HEARTBEAT"]
            )
            ws_log.info("connected", details={"player": self.player_id, "address": self.address})
        await self.send_state()

    def log_context(self) -> dict[str, Any]:
        return {"room_id": str(self.room.id)} if getattr(self, "room", None) else {}

    async def disconnect(self, code: int) -> None:
        await self.release()
        if getattr(self, "room", None) is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        heartbeat.unregister(self.channel_name)
        await run_sync(services.connection_close)(channel_name=self.channel_name)
        ws_log.info(
            "disconnected",
            room_id=str(self.room.id),
            details={"player": self.player_id, "code": code},
        )
        if self.player_id:
            task = asyncio.ensure_future(self._presence_later(self.room, self.player_id))
            _background.add(task)
            task.add_done_callback(_background.discard)

    @staticmethod
    async def _presence_later(room: Any, player_id: str) -> None:
        await asyncio.sleep(settings.LIAPTUI["DISCONNECT_GRACE"])
        try:
            await run_service(
                services.presence_check,
                room=room,
                player_id=player_id,
                stale_after=settings.LIAPTUI["CONNECTION_STALE_AFTER"],
            )
        except Exception:  # noqa: BLE001 - the stale-connection sweep is the backstop
            get_logger("error").exception("presence_check_failed", room_id=str(room.id))

    async def send_state(self, state: Any = None) -> None:
        if state is None:
            state = await run_sync(room_state_load)(self.room.stream_id)
        if state.version <= self.sent_version:
            return
        self.sent_version = state.version
        self.sent_state = state
        await self.send_json(state_message(state, self.player_id))

    async def handle(self, message: ClientMessage) -> None:
        if message.type == "sync":
            self.sent_version = -1
            await self.send_state()
            return
        if message.command is None:
            await super().handle(message)
            return
        if self.player is None:
            await self.send_error(
                "no_player", "Pick a name first (POST /api/players).", message.ref
            )
            return
        actor = Actor(player_id=self.player_id, name=self.player.name)
        try:
            result = await services.room_command_on_loop(
                room=self.room, actor=actor, command=message.command
            ) or await run_service(
                services.room_command, room=self.room, actor=actor, command=message.command
            )
        except RuleViolation as exc:
            recorder.error("rule")
            await self.send_error(exc.code, exc.message, message.ref)
            return
        await self.send_json(
            {
                "type": "ack",
                "ref": message.ref,
                "version": result.state.version,
                "correlation_id": current_correlation_id(),
            }
        )
        if result.events:
            await self.send_events(
                result.state.version, [public_event(t, d) for t, d in result.events]
            )
        await self.send_state(result.state)

    async def send_events(self, version: int, events: list[dict[str, Any]]) -> None:
        """Each change's events exactly once per socket.

        Changes can reach a socket out of order (its own command's result
        may overtake the broadcast of the change before it), so this keeps
        the recent versions sent rather than only the highest one.
        """
        if version in self.sent_event_versions or version <= self.sent_event_floor:
            return
        self.sent_event_versions.add(version)
        if len(self.sent_event_versions) > 256:
            self.sent_event_floor = min(self.sent_event_versions)
            self.sent_event_versions.discard(self.sent_event_floor)
        await self.send_json({"type": "event", "version": version, "events": events})

    async def room_changed(self, event: dict[str, Any]) -> None:
        if event.get("events"):
            await self.send_events(event["version"], event["events"])
        if event["version"] <= self.sent_version:
            return
        # Sockets of one process share one state per version: the publisher
        # cached it; elsewhere the first socket folds the change's events.
        # When the room has already moved on (changes come faster than this
        # socket reads them), the socket folds onto the state it last sent,
        # so it still gets every version, not just the newest.
        state = state_after_change(cache_get(self.room.stream_id), event)
        if state is None:
            state = state_after_change(self.sent_state, event)
        if state is None:  # this process missed a change: read the stream
            state = await run_sync(room_state_load)(self.room.stream_id)
        else:
            cache_put(self.room.stream_id, state)
        await self.send_state(state)
