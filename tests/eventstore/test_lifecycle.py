"""Snapshots, archive, verification, tampering, export/import and the
management commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from eventstore import register_replay_check, register_snapshot_builder
from eventstore.errors import (
    EventStoreError,
    IntegrityViolation,
    InvalidEvent,
    StreamArchived,
    StreamNotFound,
)
from eventstore.models import ArchivedStream, Event, Snapshot, Stream
from eventstore.selectors import (
    event_read,
    snapshot_latest,
    stream_export,
    stream_info,
    stream_verify,
    stream_version,
    streams_verify_all,
)
from eventstore.services import (
    event_append,
    snapshot_save,
    stream_archive,
    stream_import,
    stream_mark_finished,
    streams_archive_finished,
)
from tests.eventstore.conftest import ev

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def fold(events, state=None):
    state = dict(state or {"total": 0, "count": 0})
    for e in events:
        state["total"] += e.data["n"]
        state["count"] += 1
    return state


def write_game(stream_id="room-G", commands=10):
    version = 0
    for i in range(commands):
        batch = [ev(version + k + 1) for k in range(1 + i % 3)]
        version = event_append(stream_id=stream_id, events=batch, expected_version=version)[
            -1
        ].version
    return version


def tamper(stream_id, version, data):
    """What an attacker with database access would do."""
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE eventstore_event SET data = {cast} WHERE stream_id = %s AND version = %s",
            [json.dumps(data), stream_id, version],
        )
        assert cur.rowcount == 1


# --- snapshots ------------------------------------------------------------


def test_snapshot_plus_newer_events_equals_full_replay():
    write_game(commands=6)
    snapshot_save(
        stream_id="room-G", version=5, state=fold(event_read(stream_id="room-G", to_version=5))
    )
    write_game  # noqa: B018
    snap = snapshot_latest("room-G")
    assert snap.version == 5
    rest = event_read(stream_id="room-G", after_version=snap.version)
    assert fold(rest, snap.state) == fold(event_read(stream_id="room-G"))


def test_snapshot_latest_respects_at_or_before_and_replaces_same_version():
    write_game(commands=6)
    snapshot_save(stream_id="room-G", version=3, state={"v": 3})
    snapshot_save(stream_id="room-G", version=8, state={"v": 8})
    snapshot_save(stream_id="room-G", version=8, state={"v": "8b"})
    assert snapshot_latest("room-G").state == {"v": "8b"}
    assert snapshot_latest("room-G", at_or_before=7).version == 3
    assert snapshot_latest("room-G", at_or_before=2) is None
    assert snapshot_latest("other") is None
    assert Snapshot.objects.count() == 2


def test_snapshot_of_unknown_stream_or_future_version_is_refused():
    write_game(commands=2)
    with pytest.raises(StreamNotFound):
        snapshot_save(stream_id="nope", version=1, state={})
    with pytest.raises(InvalidEvent, match="it is at version 3"):
        snapshot_save(stream_id="room-G", version=4, state={})
    with pytest.raises(InvalidEvent, match=">= 1"):
        snapshot_save(stream_id="room-G", version=0, state={})
    with pytest.raises(InvalidEvent, match="not JSON"):
        snapshot_save(stream_id="room-G", version=1, state={"s": {1}})
    assert Snapshot.objects.count() == 0


# --- archive ----------------------------------------------------------------


def test_archived_stream_reads_verifies_and_refuses_appends():
    version = write_game(commands=12)
    snapshot_save(stream_id="room-G", version=4, state={"v": 4})
    snapshot_save(stream_id="room-G", version=10, state={"v": 10})
    before = event_read(stream_id="room-G")
    stream_mark_finished("room-G")

    info = stream_archive("room-G")

    assert info.event_count == version == len(before)
    assert 0 < info.compressed_bytes < info.raw_bytes
    assert Event.objects.filter(stream_id="room-G").count() == 0
    assert list(Snapshot.objects.values_list("version", flat=True)) == [10]
    assert event_read(stream_id="room-G") == before
    assert event_read(stream_id="room-G", after_version=5, to_version=7) == before[5:7]
    assert stream_version("room-G") == version
    assert stream_info("room-G").status == "archived"
    assert stream_verify("room-G").ok
    with pytest.raises(StreamArchived, match="archived and read-only"):
        event_append(stream_id="room-G", events=[ev(99)], expected_version=version)
    assert stream_archive("room-G") == info  # idempotent


def test_archive_finished_respects_retention():
    write_game("old", commands=3)
    write_game("recent", commands=3)
    write_game("live", commands=3)
    stream_mark_finished("old")
    stream_mark_finished("recent")
    Stream.objects.filter(stream_id="old").update(finished_at=timezone.now() - timedelta(days=40))

    assert streams_archive_finished() == 1  # default retention: 30 days
    assert set(ArchivedStream.objects.values_list("stream_id", flat=True)) == {"old"}
    assert streams_archive_finished(older_than=timedelta(0)) == 1
    assert set(ArchivedStream.objects.values_list("stream_id", flat=True)) == {"old", "recent"}
    assert Event.objects.filter(stream_id="live").count() == 6


def test_archive_command_reports_what_it_did():
    write_game("old", commands=3)
    stream_mark_finished("old")
    out = StringIO()
    call_command("eventstore_archive", "--older-than-days", "0", stdout=out)
    assert "archived 1 finished stream(s)" in out.getvalue()


def test_a_tampered_stream_is_not_archived():
    write_game(commands=4)
    tamper("room-G", 3, {"n": 1000})
    with pytest.raises(IntegrityViolation, match="version 3"):
        stream_archive("room-G")
    assert Event.objects.filter(stream_id="room-G").count() == stream_version("room-G")
    assert not ArchivedStream.objects.exists()


# --- verification and tampering ---------------------------------------------------


def test_intact_streams_verify_ok():
    write_game("a", commands=5)
    write_game("b", commands=5)
    stream_archive("b")
    results = streams_verify_all()
    assert [(r.stream_id, r.ok, r.archived) for r in results] == [
        ("a", True, False),
        ("b", True, True),
    ]


def test_tampering_with_one_events_data_is_detected_and_located():
    write_game(commands=5)
    tamper("room-G", 4, {"n": 1000})
    result = stream_verify("room-G")
    assert not result.ok
    assert [p["version"] for p in result.problems] == [4]
    assert "hash mismatch" in result.problems[0]["problem"]


def test_rehashing_a_tampered_event_still_breaks_the_chain_at_the_next_version():
    from eventstore.canonical import event_hash, iso

    write_game(commands=5)
    row = Event.objects.get(stream_id="room-G", version=4)
    forged = event_hash(
        stream_id="room-G",
        version=4,
        type=row.type,
        data={"n": 1000},
        metadata=row.metadata,
        recorded_at=iso(row.recorded_at),
        prev_hash=row.prev_hash,
    )
    tamper("room-G", 4, {"n": 1000})
    Event.objects.filter(pk=row.pk).update(hash=forged)
    problems = stream_verify("room-G").problems
    assert problems[0]["version"] == 5
    assert "prev_hash" in problems[0]["problem"]


def test_a_deleted_event_is_reported_as_a_gap():
    write_game(commands=5)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM eventstore_event WHERE stream_id = %s AND version = 6", ["room-G"])
    problems = stream_verify("room-G").problems
    assert problems[0] == {"version": 6, "problem": "version gap: version(s) 6 missing before 7"}


def test_tampered_archive_payload_is_detected():
    import zlib

    write_game(commands=4)
    stream_archive("room-G")
    archive = ArchivedStream.objects.get()
    lines = zlib.decompress(bytes(archive.payload)).decode().splitlines()
    first = json.loads(lines[1])
    first["data"]["n"] = 1000
    lines[1] = json.dumps(first)
    ArchivedStream.objects.filter(pk=archive.pk).update(
        payload=zlib.compress("\n".join(lines).encode())
    )
    result = stream_verify("room-G")
    assert [p["version"] for p in result.problems] == [2]


def test_verify_command_names_broken_stream_and_version_and_exits_non_zero():
    write_game("good", commands=3)
    write_game("room-G", commands=5)
    out, err = StringIO(), StringIO()
    call_command("eventstore_verify", stdout=out, stderr=err)
    assert "OK: 2 stream(s) verified" in out.getvalue()

    tamper("room-G", 4, {"n": 1000})
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 2 stream.* failed verification: room-G") as info:
        call_command("eventstore_verify", stdout=StringIO(), stderr=err)
    assert "BROKEN stream room-G version 4: hash mismatch" in err.getvalue()
    assert info.value.returncode == 1
    call_command("eventstore_verify", "good", stdout=StringIO())
    with pytest.raises(CommandError, match="'nope' does not exist"):
        call_command("eventstore_verify", "nope", stdout=StringIO())


def test_registered_replay_check_runs_for_every_stream():
    write_game("a", commands=3)
    snapshot_save(stream_id="a", version=2, state={"total": 999, "count": 2})
    seen = []

    @register_replay_check
    def snapshot_equals_replay(stream_id, events, snapshots):
        seen.append((stream_id, len(events), [s.version for s in snapshots]))
        return [
            f"snapshot at version {s.version} differs from the replayed state"
            for s in snapshots
            if fold(e for e in events if e.version <= s.version) != s.state
        ]

    result = stream_verify("a")
    assert seen == [("a", 6, [2])]
    assert result.problems == [
        {
            "version": None,
            "problem": "replay check test_registered_replay_check_runs_for_every_stream.<locals>."
            "snapshot_equals_replay: snapshot at version 2 differs from the replayed state",
        }
    ]


# --- export / import ----------------------------------------------------------


def test_export_import_round_trip_restores_the_stream_exactly(tmp_path):
    write_game(commands=8)
    original = event_read(stream_id="room-G")
    lines = list(stream_export("room-G"))
    assert len(lines) == len(original)
    assert json.loads(lines[0])["hash"] == original[0].hash

    with pytest.raises(EventStoreError, match="already exists"):
        stream_import(lines)
    result = stream_import(lines, replace=True)
    assert result.ok and result.event_count == len(original)
    restored = event_read(stream_id="room-G")
    strip = [
        (e.version, e.type, e.data, e.metadata, e.recorded_at, e.hash, e.prev_hash)
        for e in restored
    ]
    assert strip == [
        (e.version, e.type, e.data, e.metadata, e.recorded_at, e.hash, e.prev_hash)
        for e in original
    ]

    # and through the commands, via a file, into an archived stream's place
    path = tmp_path / "room.jsonl"
    stream_archive("room-G")
    call_command("eventstore_export", "room-G", "-o", str(path), stderr=StringIO())
    assert path.read_text().count("\n") == len(original)
    with pytest.raises(CommandError, match="already exists"):
        call_command("eventstore_import", str(path), stdout=StringIO())
    out = StringIO()
    call_command("eventstore_import", str(path), "--replace", stdout=out)
    assert f"imported stream room-G: {len(original)} event(s), verified OK" in out.getvalue()
    assert [e.hash for e in event_read(stream_id="room-G")] == [e.hash for e in original]
    assert not ArchivedStream.objects.exists()


def test_import_refuses_altered_or_gapped_exports_and_writes_nothing():
    write_game(commands=4)
    lines = list(stream_export("room-G"))
    Event.objects.all().delete()
    Stream.objects.all().delete()

    altered = json.loads(lines[2])
    altered["data"]["n"] = 1000
    with pytest.raises(IntegrityViolation, match="version 3.*hash does not match"):
        stream_import([lines[0], lines[1], json.dumps(altered), *lines[3:]])
    with pytest.raises(IntegrityViolation, match="expected version 2"):
        stream_import([lines[0], *lines[2:]])
    with pytest.raises(InvalidEvent, match="line 2: not valid JSON"):
        stream_import([lines[0], "{oops"])
    with pytest.raises(InvalidEvent, match="nothing to import"):
        stream_import([])
    assert Event.objects.count() == 0 and Stream.objects.count() == 0


def test_rebuild_snapshots_command_uses_the_registered_builder():
    write_game("a", commands=3)
    write_game("b", commands=2)
    with pytest.raises(CommandError, match="no snapshot builder is registered"):
        call_command("eventstore_rebuild_snapshots", stdout=StringIO())

    register_snapshot_builder(lambda stream_id, events: fold(events) if stream_id == "a" else None)
    out = StringIO()
    call_command("eventstore_rebuild_snapshots", stdout=out)
    assert "1 saved, 1 stream(s) skipped" in out.getvalue()
    snap = snapshot_latest("a")
    assert snap.version == 6 and snap.state == fold(event_read(stream_id="a"))
