"""One heartbeat per server process for all of its open room sockets.

``Connection.last_seen_at`` tells the rest of the system (presence checks,
the stale-connection sweep, the dashboards) which sockets are alive. Instead
of each socket writing its own row in the path of a player's action, the
process refreshes the rows of the sockets it holds open itself, off any
player's path: every socket's row is touched once per ``every`` seconds, in
small slices (one slice per second, one UPDATE each) so the work is spread
evenly rather than one large UPDATE every ``every`` seconds. A socket that
is open is alive (daphne's own pings close dead TCP connections), and a
crashed process stops beating, so its rows go stale and the sweep removes them.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable
from typing import Any

from liaptui.logging_setup import get_logger

# channel name -> the slice of the heartbeat cycle it is touched in
_open: dict[str, int] = {}
_next_slot = itertools.count()
_task: asyncio.Task | None = None

error_log = get_logger("error")


def slices_for(every: float) -> int:
    """How many ticks one cycle has: about one per second."""
    return max(1, math.floor(every))


def register(channel_name: str, run_sync: Callable[[Any], Any], every: float) -> None:
    """Beat for ``channel_name`` from now on; starts this loop's heartbeat if needed."""
    global _task
    _open[channel_name] = next(_next_slot) % slices_for(every)
    loop = asyncio.get_running_loop()
    if _task is None or _task.done() or _task.get_loop() is not loop:
        _task = loop.create_task(_beat(run_sync, every))


def unregister(channel_name: str) -> None:
    _open.pop(channel_name, None)


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

    slices = slices_for(every)
    for tick in itertools.count():
        if not _open:
            break
        await asyncio.sleep(every / slices)
        slot = tick % slices
        channels = [name for name, s in list(_open.items()) if s == slot]
        if not channels:
            continue
        try:
            await run_sync(connections_touch)(channel_names=channels)
        except Exception:  # noqa: BLE001 - the next beat tries again; the sweep is lenient
            error_log.exception("heartbeat_failed", details={"sockets": len(channels)})
