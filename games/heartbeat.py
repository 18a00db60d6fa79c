"""One heartbeat per server process for all of its open room sockets.

``Connection.last_seen_at`` tells the rest of the system (presence checks,
the stale-connection sweep, the dashboards) which sockets are alive. Instead
of each socket writing its own row in the path of a player's action, the
process refreshes the rows of every socket it holds open in one UPDATE every
``HEARTBEAT_EVERY`` seconds. A socket that is open is alive (daphne's own
pings close dead TCP connections), and a crashed process stops beating, so
its rows go stale and the sweep removes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from liaptui.logging_setup import get_logger

_open: set[str] = set()
_task: asyncio.Task | None = None

error_log = get_logger("error")


def register(channel_name: str, run_sync: Callable[[Any], Any], every: float) -> None:
    """Beat for ``channel_name`` from now on; starts this loop's heartbeat if needed."""
    global _task
    _open.add(channel_name)
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_beat(run_sync, every))


def unregister(channel_name: str) -> None:
    _open.discard(channel_name)


def open_channels() -> list[str]:
    return sorted(_open)


def forget() -> None:
    """Stop beating for everything (tests: each test's sockets are its own)."""
    global _task
    _open.clear()
    if _task is not None and not _task.done():
        try:
            _task.cancel()
        except RuntimeError:  # its loop is already closed
            pass
    _task = None


async def _beat(run_sync: Callable[[Any], Any], every: float) -> None:
    from games.services import connections_touch

    while _open:
        await asyncio.sleep(every)
        channels = list(_open)
        if not channels:
            break
        try:
            await run_sync(connections_touch)(channel_names=channels)
        except Exception:  # noqa: BLE001 - the next beat tries again; the sweep is lenient
            error_log.exception("heartbeat_failed", details={"sockets": len(channels)})
