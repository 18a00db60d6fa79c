"""The maintenance schedule on a real Celery worker and beat against Redis.

Each test installs the schedule (every job every second, on a queue of its
own) with ``install_beat_schedule``, starts ``celery beat`` with the
database scheduler and ``celery worker`` as subprocesses pointed at the test
database, waits (bounded) for the outcome, and always kills both.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from eventstore import selectors as es_selectors
from eventstore.models import Event, Stream
from games import services
from games.models import Room
from monitoring.models import RecoveryAction
from tests.maintenance.conftest import bot_room, play_out

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

CELERY = Path(sys.executable).with_name("celery")
WAIT = 45.0


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{'@' if auth else ''}{host}:{port}/{db['NAME']}"


class CeleryStack:
    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.queue = f"liaptui-test-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MAINTENANCE_IN_PROCESS": "0",
            "DB_POOL_MAX_SIZE": "0",
            **env,
        }
        self.procs: list[tuple[subprocess.Popen, Path]] = []

    def start(self, *, beat: bool = True) -> None:
        common = [str(CELERY), "-A", "liaptui"]
        worker = common + [
            "worker",
            "-P",
            "solo",
            "-Q",
            self.queue,
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{self.queue}@%h",
        ]
        beat_argv = common + [
            "beat",
            "-l",
            "info",
            "--max-interval",
            "1",
            "-S",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile=",
            "-s",
            str(self.tmp / "beat-schedule"),
        ]
        wanted = [("worker", worker)] + ([("beat", beat_argv)] if beat else [])
        for name, argv in wanted:
            log = self.tmp / f"{name}.log"
            fh = open(log, "w")  # noqa: SIM115 - closed with the process
            proc = subprocess.Popen(
                argv,
                env=self.env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                cwd=settings.BASE_DIR,
                start_new_session=True,
            )
            self.procs.append((proc, log))

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc, _ in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for _, log in self.procs)

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            for proc, _ in self.procs:
                if proc.poll() is not None:
                    pytest.fail(f"a celery process exited ({proc.returncode})\n{self.logs()}")
            time.sleep(0.25)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{self.logs()}")


@pytest.fixture
def celery_stack(transactional_db, tmp_path, settings) -> Iterator[CeleryStack]:
    settings.MAINTENANCE_INTERVAL_SCALE = 0.0001  # every job every second
    stack = CeleryStack(tmp_path, {"MAINTENANCE_INTERVAL_SCALE": "0.0001"})
    call_command("install_beat_schedule", "--queue", stack.queue, stdout=open(os.devnull, "w"))
    try:
        yield stack
    finally:
        stack.stop()


def test_a_game_whose_scheduling_process_died_is_finished_by_the_worker(celery_stack) -> None:
    _, room = bot_room("Ana")  # no event loop here: nothing will ever fire its timers
    assert room.status == "playing" and room.next_due_at is not None
    celery_stack.start()

    def over() -> bool:
        room.refresh_from_db()
        return room.phase == "GAME_OVER"

    celery_stack.wait_for("the sweep to finish the game", over)
    assert room.games_finished == 1 and room.next_due_at is None
    # The worker records the recovery action after the room's own commits.
    actions = RecoveryAction.objects.filter(action="advance_overdue", target=str(room.id))
    celery_stack.wait_for("the recovery action to be recorded", actions.exists)
    action = actions.first()
    assert action is not None and action.outcome == "ok" and action.correlation_id
    sources = {e.metadata.get("source") for e in es_selectors.event_read(stream_id=room.stream_id)}
    assert "maintenance" in sources


def test_a_tampered_event_is_reported_as_a_failed_check(celery_stack, ops_headers) -> None:
    bot_room("Ana", start=False)
    _, bad = bot_room("Bea", start=False)
    event = Event.objects.get(stream_id=bad.stream_id, version=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} SET data = %s WHERE position = %s",  # noqa: S608
            [json.dumps({**event.data, "name": "Mallory"}), event.position],
        )
    celery_stack.start()
    celery_stack.wait_for(
        "a failed verify_stream action",
        lambda: RecoveryAction.objects.filter(action="verify_stream", outcome="failed").exists(),
    )
    body = Client().get("/api/recovery/status", **ops_headers).json()
    failed = {a["target"] for a in body["failed_attempts"] if a["action"] == "verify_stream"}
    assert failed == {bad.stream_id}
    assert body["configuration"]["mode"] == "celery"
    assert body["stability"]["score"] < 100


def test_an_old_finished_game_is_archived_and_still_served(celery_stack, ops_headers) -> None:
    _, room = bot_room("Ana")
    play_out(room)
    services.room_close(room=room, reason="done")
    client = Client()
    before = client.get(f"/api/rooms/{room.id}/events", **ops_headers).json()
    state_before = client.get(f"/api/rooms/{room.id}/state", **ops_headers).json()
    Stream.objects.filter(stream_id=room.stream_id).update(
        finished_at=timezone.now() - timedelta(days=365)
    )
    celery_stack.start()
    celery_stack.wait_for(
        "the stream to be archived",
        lambda: Stream.objects.get(stream_id=room.stream_id).archived_at is not None,
    )
    assert not Event.objects.filter(stream_id=room.stream_id).exists()
    after = client.get(f"/api/rooms/{room.id}/events", **ops_headers).json()
    assert [e["hash"] for e in after["events"]] == [e["hash"] for e in before["events"]]
    state_after = client.get(f"/api/rooms/{room.id}/state", **ops_headers).json()
    assert state_after == state_before
    assert RecoveryAction.objects.filter(action="archive_streams", outcome="ok").exists()


def test_an_abandoned_room_is_closed(celery_stack) -> None:
    _, room = bot_room("Ana", start=False)
    Room.objects.filter(pk=room.pk).update(last_activity_at=timezone.now() - timedelta(hours=1))
    celery_stack.start()

    def closed() -> bool:
        room.refresh_from_db()
        return room.status == "closed"

    celery_stack.wait_for("the room to be closed", closed)
    assert Stream.objects.get(stream_id=room.stream_id).finished_at is not None
    # The worker records the recovery action after the room's own commit.
    actions = RecoveryAction.objects.filter(action="close_abandoned_room", target=str(room.id))
    celery_stack.wait_for("the recovery action to be recorded", actions.exists)
    assert actions.get().outcome == "ok"


def test_a_task_sent_under_a_correlation_id_carries_it_to_the_worker(celery_stack) -> None:
    from liaptui.correlation import bound_correlation_id
    from monitoring.tasks import verify_event_store

    _, bad = bot_room("Ana", start=False)
    Event.objects.filter(stream_id=bad.stream_id, version=2).update(type="seat_left")
    celery_stack.start(beat=False)
    with bound_correlation_id("cid-from-an-ops-request"):
        verify_event_store.apply_async(queue=celery_stack.queue)
    celery_stack.wait_for(
        "the verification result",
        lambda: RecoveryAction.objects.filter(action="verify_stream").exists(),
    )
    action = RecoveryAction.objects.get(action="verify_stream")
    assert action.correlation_id == "cid-from-an-ops-request" and action.outcome == "failed"
