"""The one-statement append, awaited on the event loop (PostgreSQL only).

Why: a server process serves its sockets on one event loop, and a command
used to cross into a worker thread for its single database round trip. That
thread waited for the commit (WAL flush) one command at a time, and a burst
of commands queued behind it. Awaited on the loop, appends of different
rooms are in flight together on a few connections (PostgreSQL flushes their
commits together), and no thread hand-off sits in a player's path.

Only the fast case runs here: the process knows the stream's head, so the
append is one self-committing statement that writes everything or nothing.
Every other case answers ``None`` and the caller takes the ordinary
(synchronous) path, which decides conflicts, archived streams and missing
rows exactly as before. Nothing is ever half-written either way.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

from eventstore.services import log_if_slow, new_batch, one_statement
from eventstore.types import NewEvent, Projection, StoredEvent
from liaptui.logging_setup import get_logger

error_log = get_logger("error")


def async_append_enabled() -> bool:
    """On for PostgreSQL unless ``ASYNC_APPEND_CONNECTIONS`` is 0."""
    return connection.vendor == "postgresql" and settings.ASYNC_APPEND_CONNECTIONS > 0


class _LoopConnections:
    """A few autocommit connections owned by one event loop (a connection
    must not be shared across loops), handed out one command at a time."""

    def __init__(self, limit: int, params: dict[str, Any]) -> None:
        self.params = params
        self.idle: list[psycopg.AsyncConnection] = []
        self.slots = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        async with self.slots:
            conn = self.idle.pop() if self.idle else await self._connect()
            healthy = False
            try:
                yield conn
                healthy = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            finally:
                if healthy and not conn.closed:
                    self.idle.append(conn)
                else:
                    _close_now(conn)

    async def _connect(self) -> psycopg.AsyncConnection:
        conn = await psycopg.AsyncConnection.connect(**self.params, autocommit=True)
        _all_connections.add(conn)
        return conn


_per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopConnections] = (
    weakref.WeakKeyDictionary()
)
_all_connections: weakref.WeakSet[psycopg.AsyncConnection] = weakref.WeakSet()


def _connection_params() -> dict[str, Any]:
    """Django's own parameters (database, user, adapters) minus its sync cursor class."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return params


def _loop_connections() -> _LoopConnections:
    loop = asyncio.get_running_loop()
    pool = _per_loop.get(loop)
    if pool is None:
        pool = _LoopConnections(settings.ASYNC_APPEND_CONNECTIONS, _connection_params())
        _per_loop[loop] = pool
    return pool


def _close_now(conn: psycopg.AsyncConnection) -> None:
    """Close without awaiting (works from any thread, with or without a loop)."""
    try:
        conn.pgconn.finish()
    except Exception:  # noqa: BLE001 - already closed or broken: nothing to release
        pass
    _all_connections.discard(conn)


def close_async_connections() -> None:
    """Close every connection this module opened (tests, before the test
    database is dropped; a server process simply exits)."""
    for conn in list(_all_connections):
        _close_now(conn)
    _per_loop.clear()


async def event_append_if_head_known(
    *,
    stream_id: str,
    events: Sequence[NewEvent],
    expected_version: int,
    recorded_at: datetime | None = None,
    projection: Projection | None = None,
) -> list[StoredEvent] | None:
    """``event_append``'s one-statement case on the event loop.

    Returns the stored events, or None when nothing was written: not
    PostgreSQL, head not known to this process, the stream moved on, the
    projection row is gone, or the database refused or failed. The caller
    then runs ``event_append`` (in a thread), which gives the definitive answer.
    Raises ``InvalidEvent`` for bad input, like ``event_append``.
    """
    batch = new_batch(stream_id, events, expected_version, recorded_at, projection)
    if not async_append_enabled():
        return None
    statement = one_statement(batch)
    if statement is None:
        return None
    started = time.perf_counter()
    try:
        async with _loop_connections().connection() as conn:
            cursor = await conn.execute(statement.sql, statement.params)
            positions = dict(await cursor.fetchall())
    except psycopg.IntegrityError:
        # A unique constraint (a concurrent writer): nothing was written.
        positions = {}
    except psycopg.Error as exc:
        error_log.warning(
            "async_append_failed",
            stream_id=stream_id,
            details={"error": type(exc).__name__, "message": str(exc)[:200]},
        )
        positions = {}
    stored = statement.outcome(positions)
    if stored is not None:
        log_if_slow(stored, time.perf_counter() - started)
    return stored
