"""The per-process head hint that lets an append be one statement: a wrong
or stale hint may cost a round trip, never a wrong write."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from eventstore import services
from eventstore.errors import ConcurrencyError, StreamArchived
from eventstore.models import Event
from eventstore.selectors import event_read, stream_verify, stream_version
from eventstore.services import event_append, stream_archive, stream_mark_finished
from tests.eventstore.conftest import ev

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def test_a_hint_with_the_wrong_hash_falls_back_and_keeps_the_chain_intact():
    event_append(stream_id="s", events=[ev(1), ev(2)], expected_version=0)
    services._HEADS["s"] = (2, "0" * 64)  # e.g. the stream was re-imported elsewhere

    stored = event_append(stream_id="s", events=[ev(3)], expected_version=2)

    assert stored[0].version == 3
    assert event_read(stream_id="s")[1].hash == stored[0].prev_hash
    assert stream_verify("s").ok


def test_a_hint_left_behind_by_another_writer_still_gets_the_concurrency_error():
    first = event_append(stream_id="s", events=[ev(1)], expected_version=0)
    stale = (1, first[-1].hash)
    event_append(stream_id="s", events=[ev(2)], expected_version=1)  # "another process"
    services._HEADS["s"] = stale  # this process still believes version 1

    with pytest.raises(ConcurrencyError) as info:
        event_append(stream_id="s", events=[ev(99)], expected_version=1)

    assert (info.value.expected_version, info.value.actual_version) == (1, 2)
    assert stream_version("s") == 2
    assert Event.objects.filter(stream_id="s").count() == 2
    assert stream_verify("s").ok


def test_a_hint_ahead_of_a_rolled_back_transaction_does_not_block_the_stream():
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            event_append(stream_id="s", events=[ev(2), ev(3)], expected_version=1)
            raise RuntimeError("projection update failed")
    assert services._HEADS["s"][0] == 3  # the hint believes the rolled-back write

    stored = event_append(stream_id="s", events=[ev(2)], expected_version=1)

    assert [e.version for e in stored] == [2]
    assert stream_version("s") == 2
    assert stream_verify("s").ok


def test_a_new_stream_created_twice_gets_the_concurrency_error_the_second_time():
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    services.forget_heads()

    with pytest.raises(ConcurrencyError):
        event_append(stream_id="s", events=[ev(1)], expected_version=0)

    assert Event.objects.filter(stream_id="s").count() == 1


def test_an_archived_stream_refuses_appends_even_with_a_fresh_hint():
    stored = event_append(stream_id="s", events=[ev(1), ev(2)], expected_version=0)
    stream_mark_finished("s")
    stream_archive("s")
    services._HEADS["s"] = (2, stored[-1].hash)

    with pytest.raises(StreamArchived):
        event_append(stream_id="s", events=[ev(3)], expected_version=2)


@pytest.mark.postgres
def test_on_postgresql_an_append_with_a_known_head_is_one_statement():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement append is PostgreSQL's")
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    seen: list[str] = []

    def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql.split()[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        event_append(stream_id="s", events=[ev(2), ev(3)], expected_version=1)
        services.forget_heads()
        event_append(stream_id="s", events=[ev(4)], expected_version=3)

    # known head: one statement; unknown head: the statement is not tried,
    # the locked path runs (lock, then write; in a savepoint here, because the
    # test itself runs in a transaction).
    assert [s for s in seen if s not in ("SAVEPOINT", "RELEASE")] == ["WITH", "SELECT", "WITH"]
    assert stream_verify("s").ok
