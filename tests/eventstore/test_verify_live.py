"""Verifying a stream that is being written: an append between the reads of
the head and of the events is not corruption; events beyond a head that
never moves are."""

from __future__ import annotations

import pytest

from eventstore import selectors
from eventstore.models import Event, Stream
from eventstore.selectors import stream_verify
from eventstore.services import event_append
from tests.eventstore.conftest import ev

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def _head_read_before(monkeypatch, stale) -> None:
    """The verifier's first head read returns ``stale`` (read before an append)."""
    real = selectors._head_row
    reads = iter([stale])
    monkeypatch.setattr(selectors, "_head_row", lambda sid: next(reads, None) or real(sid))


def test_an_append_between_reading_the_head_and_the_events_is_not_reported(monkeypatch):
    event_append(stream_id="s", events=[ev(1)], expected_version=0)
    stale = selectors._head_row("s")
    event_append(stream_id="s", events=[ev(2), ev(3)], expected_version=1)
    _head_read_before(monkeypatch, stale)

    result = stream_verify("s")

    assert result.ok, result.problems
    assert result.event_count == 3


def test_events_beyond_a_head_that_does_not_move_are_still_reported(monkeypatch):
    stored = event_append(stream_id="s", events=[ev(1), ev(2)], expected_version=0)
    Stream.objects.filter(stream_id="s").update(version=1, last_hash=stored[0].hash)
    assert Event.objects.filter(stream_id="s").count() == 2

    result = stream_verify("s")

    assert not result.ok
    assert "stream head says version 1 but the last event is version 2" in [
        p["problem"] for p in result.problems
    ]
