"""The one-statement append awaited on the event loop (PostgreSQL): it writes
everything or nothing, and every case it does not handle answers None so the
ordinary append can give the definitive answer."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.db import connection

from eventstore import async_append, services
from eventstore.async_append import close_async_connections, event_append_if_head_known
from eventstore.errors import ConcurrencyError, InvalidEvent
from eventstore.models import Event
from eventstore.selectors import event_read, stream_verify, stream_version
from eventstore.services import event_append
from eventstore.types import Projection
from tests.eventstore.conftest import ev

pytestmark = pytest.mark.django_db(transaction=True)
postgres = pytest.mark.postgres

db = database_sync_to_async


def group_name(key: int, name: str) -> Projection:
    return Projection(table="auth_group", key_column="id", key=key, values={"name": name})


async def on_loop(stream_id: str, events: list, expected_version: int, **kwargs):
    return await event_append_if_head_known(
        stream_id=stream_id, events=events, expected_version=expected_version, **kwargs
    )


@postgres
async def test_after_a_known_head_the_events_are_written_in_one_statement_and_chained() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)

    stored = await event_append_if_head_known(
        stream_id="s", events=[ev(2), ev(3)], expected_version=1
    )

    assert stored is not None and [e.version for e in stored] == [2, 3]
    read = await db(event_read)(stream_id="s")
    assert [(e.version, e.hash, e.position) for e in read[1:]] == [
        (e.version, e.hash, e.position) for e in stored
    ]
    assert read[1].prev_hash == read[0].hash
    assert (await db(stream_verify)("s")).ok
    assert services._HEADS["s"] == (3, stored[-1].hash)  # the next append can go the same way


@postgres
async def test_a_new_stream_is_created_on_the_loop() -> None:
    stored = await on_loop("new", [ev(1)], 0)

    assert stored is not None and stored[0].version == 1
    assert await db(stream_version)("new") == 1


@postgres
async def test_an_unknown_head_is_left_to_the_ordinary_append() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)
    services.forget_heads()  # e.g. another process wrote the stream

    assert await on_loop("s", [ev(2)], 1) is None

    assert await db(Event.objects.filter(stream_id="s").count)() == 1
    stored = await db(event_append)(stream_id="s", events=[ev(2)], expected_version=1)
    assert stored[0].version == 2


@postgres
async def test_a_stream_moved_on_by_another_writer_writes_nothing_and_the_conflict_stays_visible():
    first = await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)
    stale = (1, first[-1].hash)
    await db(event_append)(stream_id="s", events=[ev(2)], expected_version=1)  # "another process"
    services._HEADS["s"] = stale

    assert await on_loop("s", [ev(9)], 1) is None

    assert "s" not in services._HEADS  # the stale hint is dropped, not trusted again
    assert await db(stream_version)("s") == 2
    with pytest.raises(ConcurrencyError):
        await db(event_append)(stream_id="s", events=[ev(9)], expected_version=1)
    assert (await db(stream_verify)("s")).ok


@postgres
async def test_the_projection_row_is_updated_in_the_same_statement() -> None:
    group = await db(Group.objects.create)(name="v0")
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)

    stored = await on_loop("s", [ev(2)], 1, projection=group_name(group.pk, "v2"))

    assert stored is not None
    assert (await db(Group.objects.get)(pk=group.pk)).name == "v2"


@postgres
async def test_a_missing_projection_row_writes_nothing() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)

    stored = await on_loop("s", [ev(2)], 1, projection=group_name(999999, "x"))

    assert stored is None
    assert await db(stream_version)("s") == 1


@postgres
async def test_bad_input_is_refused_before_anything_is_written() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)

    with pytest.raises(InvalidEvent):
        await on_loop("s", [], 1)
    with pytest.raises(InvalidEvent):
        await event_append_if_head_known(stream_id="s", events=[ev(2)], expected_version=-1)

    assert await db(stream_version)("s") == 1


@postgres
async def test_many_streams_append_at_once_through_the_few_connections(settings) -> None:
    settings.ASYNC_APPEND_CONNECTIONS = 2
    close_async_connections()  # the limit is read when a loop's connections are first made
    ids = [f"room-{i}" for i in range(20)]
    await asyncio.gather(
        *(event_append_if_head_known(stream_id=s, events=[ev(1)], expected_version=0) for s in ids)
    )

    results = await asyncio.gather(
        *(event_append_if_head_known(stream_id=s, events=[ev(2)], expected_version=1) for s in ids)
    )

    assert all(r is not None and r[0].version == 2 for r in results)
    for s in ids:
        assert (await db(stream_verify)(s)).ok
    pool = async_append._per_loop[asyncio.get_running_loop()]
    assert len(pool.idle) <= 2


@postgres
async def test_a_broken_connection_is_dropped_and_later_appends_use_a_new_one() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)
    await on_loop("s", [ev(2)], 1)
    pool = async_append._per_loop[asyncio.get_running_loop()]
    for conn in pool.idle:
        conn.pgconn.finish()  # the server went away under an idle connection

    assert await on_loop("s", [ev(3)], 2) is None

    assert await db(stream_version)("s") == 2
    assert pool.idle == []  # the broken connection is not handed out again
    await db(event_append)(stream_id="s", events=[ev(3)], expected_version=2)  # the caller's way on
    stored = await on_loop("s", [ev(4)], 3)
    assert stored is not None and stored[0].version == 4
    assert (await db(stream_verify)("s")).ok


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the embedded default only")
async def test_on_sqlite_nothing_is_attempted_and_the_ordinary_append_decides() -> None:
    await db(event_append)(stream_id="s", events=[ev(1)], expected_version=0)

    assert await on_loop("s", [ev(2)], 1) is None

    assert await db(stream_version)("s") == 1
