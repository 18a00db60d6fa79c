"""In-process timers that advance rooms when their due action falls due.

The process that commits a change plans the room's next automatic action
(bot move, timeout, redeal window, next round) on its event loop. The plan
is also written to ``Room.next_due_at`` so the maintenance sweep finishes
it if this process dies first. A timer only acts if the room is still at
the version it was planned for, so duplicate plans are harmless.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from liaptui.logging_setup import get_logger

if TYPE_CHECKING:
    from games.models import Room

log = get_logger("error")
_loop: asyncio.AbstractEventLoop | None = None
_timers: dict[str, asyncio.TimerHandle] = {}
_running: set[asyncio.Task] = set()


def attach_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called from async code (consumers) so sync services can plan timers."""
    global _loop
    if _loop is not loop:
        _loop = loop
        _timers.clear()


def detach_loop() -> None:
    global _loop
    _loop = None
    _timers.clear()


def plan(room: Room, version: int, due_at: datetime | None) -> None:
    """Plan the room's next automatic action for when it falls due (thread-safe)."""
    loop = _loop
    if loop is None or due_at is None or loop.is_closed():
        return
    delay = max(0.0, (due_at - timezone.now()).total_seconds())
    try:
        # A fresh context: the caller's (a sync thread's) must not leak into the timer.
        loop.call_soon_threadsafe(_arm, room, version, delay, context=contextvars.Context())
    except RuntimeError:  # loop closed between the check and the call
        return


def _arm(room: Room, version: int, delay: float) -> None:
    room_id = str(room.id)
    old = _timers.pop(room_id, None)
    if old is not None:
        old.cancel()
    loop = asyncio.get_running_loop()
    _timers[room_id] = loop.call_later(delay, _fire, room, version)


def _fire(room: Room, version: int) -> None:
    _timers.pop(str(room.id), None)
    task = asyncio.ensure_future(_advance(room, version))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _advance(room: Room, version: int) -> None:
    """On the loop when it can be (``room_advance_on_loop``), else in a worker thread."""
    from channels.db import database_sync_to_async

    from games.publishing import deferred_publishing, send_deferred
    from games.services import room_advance, room_advance_on_loop
    from games.threads import service_executor
    from liaptui.correlation import bound_correlation_id

    room_id = str(room.id)
    try:
        with bound_correlation_id(None, room_id=room_id):
            if await room_advance_on_loop(room=room, expected_version=version):
                return
            _, messages = await database_sync_to_async(
                deferred_publishing(room_advance),
                thread_sensitive=False,
                executor=service_executor(),
            )(room_id=room_id, expected_version=version)
            await send_deferred(messages)
    except Exception:  # noqa: BLE001 - a timer must never crash the loop; the sweep retries
        log.exception("room_advance_failed", room_id=room_id, version=version)
