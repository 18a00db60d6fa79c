"""The maintenance jobs, run through the same entry point as Celery and the
in-process runner (``job_run``), and what they leave on record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from eventstore import selectors as es_selectors
from eventstore.models import Event, Stream
from games import services
from games.models import Connection, Room
from monitoring.levers import levers_update
from monitoring.maintenance import job_run
from monitoring.models import RecoveryAction, ResourceSample
from tests.maintenance.conftest import bot_room, play_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_game_nobody_schedules_is_finished_by_the_sweep() -> None:
    _, room = bot_room("Ana")
    assert room.next_due_at is not None and room.status == "playing"
    result = job_run("advance-overdue-games")
    assert result["outcome"] == "ok" and result["rooms_advanced"] == 1
    room.refresh_from_db()
    assert room.phase == "GAME_OVER" and room.games_finished == 1 and room.next_due_at is None
    action = RecoveryAction.objects.get(action="advance_overdue")
    assert action.target == str(room.id) and action.outcome == "ok" and action.details["steps"] > 0
    assert action.correlation_id
    assert job_run("advance-overdue-games")["rooms_advanced"] == 0  # nothing left: nothing recorded
    assert RecoveryAction.objects.filter(action="advance_overdue").count() == 1


def test_an_action_only_just_due_is_left_to_the_rooms_own_timer() -> None:
    _, room = bot_room("Ana", overdue=False)  # due now: its timer is expected to fire
    assert job_run("advance-overdue-games")["rooms_advanced"] == 0
    assert not RecoveryAction.objects.exists()


def test_read_only_pauses_the_sweep() -> None:
    _, room = bot_room("Ana")
    levers_update(read_only=True)
    assert job_run("advance-overdue-games")["skipped"] == "read_only"
    room.refresh_from_db()
    assert room.status == "playing" and not RecoveryAction.objects.exists()


def test_stale_connections_are_dropped_and_their_seat_goes_to_a_bot() -> None:
    player, room = bot_room("Ana", away=False)
    Connection.objects.create(
        channel_name="dead.process!1",
        room=room,
        player=player,
        address="192.0.2.1",
        last_seen_at=timezone.now() - timedelta(hours=1),
    )
    with override_settings(LIAPTUI={**_liaptui(), "OVERDUE_GRACE": 0}):
        result = job_run("advance-overdue-games")
    assert result["stale_connections"] == 1 and not Connection.objects.exists()
    room.refresh_from_db()
    assert room.phase == "GAME_OVER"  # Ana was marked away and her bot finished the game
    assert RecoveryAction.objects.filter(action="sweep_stale_connections").exists()


def test_abandoned_rooms_are_closed_and_their_streams_marked_finished() -> None:
    _, empty_room = bot_room("Ana", start=False)
    player, watched = bot_room("Bea", start=False)
    Connection.objects.create(
        channel_name="live!1", room=watched, player=player, address="x", last_seen_at=timezone.now()
    )
    old = timezone.now() - timedelta(minutes=10)
    Room.objects.update(last_activity_at=old)

    with override_settings(LIAPTUI={**_liaptui(), "EMPTY_ROOM_GRACE": 60}):
        assert job_run("close-abandoned-rooms")["closed"] == 1
    empty_room.refresh_from_db()
    watched.refresh_from_db()
    assert empty_room.status == "closed" and watched.status == "open"
    assert Stream.objects.get(stream_id=empty_room.stream_id).finished_at is not None
    action = RecoveryAction.objects.get(action="close_abandoned_room")
    assert action.target == str(empty_room.id) and action.details["reason"] == "abandoned"

    Room.objects.filter(pk=watched.pk).update(last_activity_at=timezone.now() - timedelta(hours=2))
    with override_settings(LIAPTUI={**_liaptui(), "IDLE_ROOM_LIMIT": 3600}):
        assert job_run("close-abandoned-rooms")["closed"] == 1  # idle beyond the limit
    watched.refresh_from_db()
    assert watched.status == "closed"


def _liaptui() -> dict:
    from django.conf import settings

    return dict(settings.LIAPTUI)


def _tamper(stream_id: str, version: int = 2) -> None:
    event = Event.objects.get(stream_id=stream_id, version=version)
    table = Event._meta.db_table
    data = dict(event.data)
    data["name"] = "Mallory"
    import json

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET data = %s WHERE position = %s",  # noqa: S608
            [json.dumps(data), event.position],
        )


def test_a_tampered_event_is_a_failed_check_in_the_recovery_status(ops_headers) -> None:
    _, good = bot_room("Ana", start=False)
    _, bad = bot_room("Bea", start=False)
    _tamper(bad.stream_id)
    result = job_run("verify-event-store")
    assert result["broken"] == [bad.stream_id] and result["streams"] == 2

    body = Client().get("/api/recovery/status", **ops_headers).json()
    failed = [a for a in body["failed_attempts"] if a["action"] == "verify_stream"]
    assert [a["target"] for a in failed] == [bad.stream_id]
    assert "hash mismatch" in failed[0]["error"]
    assert body["integrity"]["broken_streams_last_hour"] == [bad.stream_id]
    assert body["stability"]["counts"]["broken_streams"] == 1
    assert body["stability"]["score"] == 85
    assert body["configuration"]["schedule"][2]["last_run"]["summary"]["broken"] == [bad.stream_id]


def test_recovery_status_needs_ops_access_and_shows_the_configuration(ops_headers) -> None:
    assert Client().get("/api/recovery/status").status_code == 401
    body = Client().get("/api/recovery/status", **ops_headers).json()
    assert body["configuration"]["mode"] == "off"  # tests: no Redis, in-process loop off
    names = [j["name"] for j in body["configuration"]["schedule"]]
    assert names == [
        "advance-overdue-games",
        "close-abandoned-rooms",
        "verify-event-store",
        "archive-and-prune",
        "sample-figures",
    ]
    assert body["configuration"]["retention"]["event_retention_days"] == 30
    assert body["stability"]["score"] == 100 and body["recent_actions"] == []
    assert body["levers"]["read_only"] is False


def test_failures_and_stuck_rooms_lower_the_stability_score(ops_headers) -> None:
    from monitoring.recovery import recovery_record, stability

    _, room = bot_room("Ana")
    Room.objects.filter(pk=room.pk).update(next_due_at=timezone.now() - timedelta(minutes=6))
    recovery_record(action="close_abandoned_room", target="x", outcome="failed", error="boom")
    s = stability()
    assert s["counts"]["stuck_rooms"] == 1 and s["counts"]["failed_actions"] == 1
    assert s["score"] == 100 - 10 - 5


def test_old_finished_streams_are_archived_and_still_served(ops_headers) -> None:
    _, room = bot_room("Ana")
    play_out(room)
    services.room_close(room=room, reason="done")
    events_before = Client().get(f"/api/rooms/{room.id}/events", **ops_headers).json()["events"]
    Stream.objects.filter(stream_id=room.stream_id).update(
        finished_at=timezone.now() - timedelta(days=31)
    )
    summary = job_run("archive-and-prune")
    assert summary["archived"] == 1
    assert es_selectors.stream_info(room.stream_id).status == "archived"
    assert not Event.objects.filter(stream_id=room.stream_id).exists()
    events = Client().get(f"/api/rooms/{room.id}/events", **ops_headers).json()["events"]
    assert [e["hash"] for e in events] == [e["hash"] for e in events_before]
    state = Client().get(f"/api/rooms/{room.id}/state", **ops_headers).json()
    assert state["state"]["closed"] and state["state"]["games_finished"] == 1


def test_old_recovery_rows_and_samples_are_pruned() -> None:
    job_run("sample-figures")
    sample = ResourceSample.objects.get()
    assert 0 <= sample.cpu_percent <= 100 and sample.memory_percent > 0
    ResourceSample.objects.update(created_at=timezone.now() - timedelta(days=3))
    from monitoring.recovery import recovery_record

    recovery_record(action="advance_overdue", target="x")
    RecoveryAction.objects.update(created_at=timezone.now() - timedelta(days=15))
    summary = job_run("archive-and-prune")
    assert summary["pruned"]["samples"] == 1 and summary["pruned"]["recovery_actions"] == 1


def test_a_crashing_job_is_recorded_as_a_failed_action(monkeypatch) -> None:
    from monitoring import maintenance

    def boom():
        raise RuntimeError("database on fire")

    monkeypatch.setitem(maintenance.SERVICES, "sample-figures", boom)
    result = job_run("sample-figures", correlation_id="cid-123")
    assert result["outcome"] == "failed"
    row = RecoveryAction.objects.get()
    assert (
        row.outcome == "failed"
        and "database on fire" in row.error
        and row.correlation_id == "cid-123"
    )
