"""Backup, wipe, restore: the same streams (same hashes) and the same rebuilt rooms."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from eventstore import selectors as es_selectors
from eventstore.models import ArchivedStream, Event, Snapshot, Stream
from eventstore.services import streams_archive_finished
from games import services
from games.loading import cache_clear, room_state_load
from games.models import Player, Room, Seat
from games.room_state import room_state_to_dict
from tests.maintenance.conftest import bot_room, play_out

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]


def _picture() -> dict:
    streams = {}
    for info in es_selectors.stream_list(limit=10_000):
        events = es_selectors.event_read(stream_id=info.stream_id)
        streams[info.stream_id] = [
            (e.version, e.type, e.hash, e.prev_hash, e.data, e.metadata, e.recorded_at)
            for e in events
        ]
    rooms = {
        str(r.id): {
            "code": r.code,
            "status": r.status,
            "phase": r.phase,
            "version": r.version,
            "games_finished": r.games_finished,
            "host": str(r.host_id),
            "seats": [(s.index, str(s.player_id), s.name, s.is_bot, s.away) for s in r.seats.all()],
            "state": room_state_to_dict(room_state_load(r.stream_id, use_cache=False)),
        }
        for r in Room.objects.all()
    }
    return {"streams": streams, "rooms": rooms}


def _some_rooms() -> None:
    _, done = bot_room("Ana")
    play_out(done)
    services.room_close(room=done, reason="test")
    streams_archive_finished(older_than=__import__("datetime").timedelta(0))  # one archived stream
    _, running = bot_room("Bea")  # a game in progress
    services.room_create(player=services.player_create(name="Cid"))  # a waiting room


def _wipe() -> None:
    Event.objects.all().delete()
    Snapshot.objects.all().delete()
    ArchivedStream.objects.all().delete()
    Stream.objects.all().delete()
    Room.objects.all().delete()
    Player.objects.all().delete()
    cache_clear()


@pytest.mark.parametrize("target", ["backup-dir", "backup.jsonl"])
def test_backup_wipe_restore_gives_back_identical_streams_and_rooms(tmp_path, target) -> None:
    _some_rooms()
    assert ArchivedStream.objects.count() == 1
    before = _picture()
    assert len(before["streams"]) == 3 and len(before["rooms"]) == 3

    call_command("backup", str(tmp_path / target))
    _wipe()
    assert not Room.objects.exists() and not Event.objects.exists()
    call_command("restore", str(tmp_path / target))

    after = _picture()
    assert after["streams"] == before["streams"]  # every event, hash and time
    assert after["rooms"] == before["rooms"]  # the projections rebuilt from the streams
    assert Seat.objects.count() == 12
    call_command("verify")  # hash chains, snapshots == replay, projections == streams


def test_restore_refuses_existing_streams_unless_replace(tmp_path) -> None:
    from django.core.management.base import CommandError

    bot_room("Ana", start=False)
    call_command("backup", str(tmp_path / "b.jsonl"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("restore", str(tmp_path / "b.jsonl"))
    call_command("restore", str(tmp_path / "b.jsonl"), "--replace")
