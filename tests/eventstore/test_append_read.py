"""Appending and reading streams, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC

import pytest

from eventstore.canonical import GENESIS_HASH
from eventstore.errors import ConcurrencyError, InvalidEvent, StreamNotFound
from eventstore.models import Event, Stream
from eventstore.selectors import event_read, event_read_all, stream_list, stream_version
from eventstore.services import event_append
from eventstore.types import NewEvent, StoredEvent
from tests.eventstore.conftest import ev

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def test_append_to_new_stream_assigns_versions_from_one_and_chains_hashes():
    stored = event_append(stream_id="room-A", events=[ev(1), ev(2), ev(3)], expected_version=0)
    assert [e.version for e in stored] == [1, 2, 3]
    assert all(isinstance(e, StoredEvent) for e in stored)
    assert stored[0].prev_hash == GENESIS_HASH
    assert stored[1].prev_hash == stored[0].hash
    assert stored[2].prev_hash == stored[1].hash
    assert stored[0].position < stored[1].position < stored[2].position
    assert stored[0].recorded_at.tzinfo is not None
    assert stream_version("room-A") == 3


def test_read_returns_exactly_what_append_returned():
    written = event_append(stream_id="room-A", events=[ev(1), ev(2)], expected_version=0)
    written += event_append(
        stream_id="room-A",
        events=[NewEvent("Played", {"pieces": [1, 2], "x": 0.1, "u": "é☃", "nested": {"a": None}})],
        expected_version=2,
    )
    read = event_read(stream_id="room-A")
    assert read == written
    assert read[0].recorded_at.astimezone(UTC) == written[0].recorded_at.astimezone(UTC)
    assert event_read(stream_id="room-A", after_version=1) == written[1:]
    assert event_read(stream_id="room-A", after_version=1, to_version=2) == written[1:2]
    assert event_read(stream_id="room-A", after_version=3) == []


def test_metadata_correlation_id_is_copied_to_its_own_column():
    event_append(stream_id="room-A", events=[ev(1)], expected_version=0)
    assert Event.objects.get().correlation_id == "c-1"


def test_stale_expected_version_raises_concurrency_error_with_both_versions():
    event_append(stream_id="room-A", events=[ev(1), ev(2), ev(3)], expected_version=0)
    with pytest.raises(ConcurrencyError) as info:
        event_append(stream_id="room-A", events=[ev(4)], expected_version=2)
    assert info.value.expected_version == 2
    assert info.value.actual_version == 3
    assert "is at version 3, expected 2" in str(info.value)
    with pytest.raises(ConcurrencyError):
        event_append(stream_id="room-A", events=[ev(4)], expected_version=0)
    with pytest.raises(ConcurrencyError, match="is at version 0, expected 5"):
        event_append(stream_id="room-B", events=[ev(1)], expected_version=5)
    assert stream_version("room-A") == 3
    assert Event.objects.count() == 3
    assert not Stream.objects.filter(stream_id="room-B").exists()


def test_unknown_stream_read_raises_stream_not_found_and_version_is_zero():
    assert stream_version("nope") == 0
    with pytest.raises(StreamNotFound, match="'nope' does not exist"):
        event_read(stream_id="nope")


class Opaque:
    pass


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"stream_id": "", "events": [ev(1)], "expected_version": 0}, "stream id"),
        ({"stream_id": "has space", "events": [ev(1)], "expected_version": 0}, "stream id"),
        (
            {"stream_id": "s", "events": [ev(1)], "expected_version": -1},
            "expected_version must be >= 0",
        ),
        ({"stream_id": "s", "events": [ev(1)], "expected_version": "1"}, "must be an integer"),
        ({"stream_id": "s", "events": [ev(1)], "expected_version": True}, "must be an integer"),
        ({"stream_id": "s", "events": [], "expected_version": 0}, "nothing to append"),
        ({"stream_id": "s", "events": ev(1), "expected_version": 0}, "sequence of NewEvent"),
        (
            {"stream_id": "s", "events": [{"type": "X"}], "expected_version": 0},
            "must be a NewEvent",
        ),
        ({"stream_id": "s", "events": [NewEvent("", {})], "expected_version": 0}, "event type"),
        (
            {"stream_id": "s", "events": [NewEvent("bad type", {})], "expected_version": 0},
            "event type",
        ),
        (
            {"stream_id": "s", "events": [NewEvent("X", [1])], "expected_version": 0},
            "must be a dict",
        ),
        (
            {"stream_id": "s", "events": [NewEvent("X", {"s": {1, 2}})], "expected_version": 0},
            "['s']: a set is not JSON",
        ),
        (
            {"stream_id": "s", "events": [NewEvent("X", {"o": [Opaque()]})], "expected_version": 0},
            "['o'][0]: a Opaque is not JSON",
        ),
        (
            {
                "stream_id": "s",
                "events": [NewEvent("X", {"f": float("nan")})],
                "expected_version": 0,
            },
            "float nan",
        ),
        (
            {"stream_id": "s", "events": [NewEvent("X", {1: "a"})], "expected_version": 0},
            "not a string",
        ),
        (
            {"stream_id": "s", "events": [NewEvent("X", {"z": "a\x00b"})], "expected_version": 0},
            "NUL",
        ),
        (
            {
                "stream_id": "s",
                "events": [NewEvent("X", {}, {"correlation_id": 5})],
                "expected_version": 0,
            },
            "correlation_id",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_written(kwargs, message):
    before = (Event.objects.count(), Stream.objects.count())
    with pytest.raises(InvalidEvent) as info:
        event_append(**kwargs)
    assert message in str(info.value)
    assert (Event.objects.count(), Stream.objects.count()) == before


def test_a_bad_event_late_in_a_batch_leaves_the_stream_untouched():
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    with pytest.raises(InvalidEvent, match=r"events\[2\]"):
        event_append(
            stream_id="s",
            events=[ev(2), ev(3), NewEvent("X", {"bad": object()})],
            expected_version=1,
        )
    assert stream_version("s") == 1
    assert Event.objects.count() == 1


def test_read_with_negative_after_version_is_invalid():
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    with pytest.raises(InvalidEvent, match="after_version must be >= 0"):
        event_read(stream_id="s", after_version=-1)


def test_append_nested_in_a_callers_transaction_rolls_back_with_it():
    from django.db import transaction

    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            event_append(stream_id="s", events=[ev(2)], expected_version=1)
            raise RuntimeError("projection update failed")
    assert stream_version("s") == 1
    # A conflict inside the caller's transaction leaves it usable.
    with transaction.atomic():
        with pytest.raises(ConcurrencyError):
            event_append(stream_id="s", events=[ev(2)], expected_version=0)
        event_append(stream_id="s", events=[ev(2)], expected_version=1)
    assert stream_version("s") == 2


def test_read_all_follows_global_position_across_streams():
    a = event_append(stream_id="a", events=[ev(1)], expected_version=0)
    b = event_append(stream_id="b", events=[ev(1), ev(2)], expected_version=0)
    a += event_append(stream_id="a", events=[ev(2)], expected_version=1)
    everything = event_read_all()
    assert [e.position for e in everything] == sorted(e.position for e in a + b)
    assert event_read_all(after_position=everything[0].position, limit=2) == everything[1:3]


def test_stream_list_filters_by_status():
    from eventstore.services import stream_mark_finished

    event_append(stream_id="a", events=[ev(1)], expected_version=0)
    event_append(stream_id="b", events=[ev(1)], expected_version=0)
    stream_mark_finished("b")
    assert [s.stream_id for s in stream_list(status="live")] == ["a"]
    assert [s.stream_id for s in stream_list(status="finished")] == ["b"]
    assert {s.stream_id for s in stream_list()} == {"a", "b"}
    assert stream_list(status="finished")[0].status == "finished"
