"""The schedule in code: installed into django-celery-beat, or run in-process."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from monitoring import inprocess
from monitoring.schedule import SCHEDULE, job_seconds
from tests.maintenance.conftest import bot_room

pytestmark = pytest.mark.django_db(transaction=True)


def _install(*args: str) -> str:
    out = io.StringIO()
    call_command("install_beat_schedule", *args, stdout=out)
    return out.getvalue()


def test_install_beat_schedule_is_idempotent_and_keeps_admin_edits() -> None:
    assert _install().count("created") == len(SCHEDULE)
    tasks = {t.name: t for t in PeriodicTask.objects.exclude(name__startswith="celery.")}
    assert {n: (t.task, t.interval.every) for n, t in tasks.items()} == {
        job.name: (job.task, job_seconds(job.name)) for job in SCHEDULE
    }
    assert "created" not in _install() and PeriodicTask.objects.count() == len(SCHEDULE)

    slow, _ = IntervalSchedule.objects.get_or_create(every=120, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="sample-figures").update(interval=slow, enabled=False)
    _install()  # staff's edit survives a re-install
    edited = PeriodicTask.objects.get(name="sample-figures")
    assert edited.interval.every == 120 and edited.enabled is False
    _install("--reset")
    reset = PeriodicTask.objects.get(name="sample-figures")
    assert reset.interval.every == job_seconds("sample-figures") and reset.enabled is True


def test_the_same_schedule_runs_in_process_without_redis(monkeypatch, settings) -> None:
    settings.MAINTENANCE_INTERVAL_SCALE = 0.0001
    _, room = bot_room("Ana")
    assert inprocess.ensure_started() is False  # MAINTENANCE_IN_PROCESS is off in tests
    try:
        assert inprocess.ensure_started(force=True, first_run_delay=0)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            room.refresh_from_db()
            if room.phase == "GAME_OVER":
                break
            time.sleep(0.1)
    finally:
        inprocess.stop()
    assert room.phase == "GAME_OVER"
    assert not inprocess.is_running()


async def test_the_asgi_application_starts_the_in_process_loop(monkeypatch) -> None:
    from channels.testing import HttpCommunicator

    from liaptui.asgi import application

    calls = []
    monkeypatch.setattr(inprocess, "ensure_started", lambda: calls.append(1) or False)
    comm = HttpCommunicator(application, "GET", "/api/health", headers=[(b"host", b"localhost")])
    response = await comm.get_response(timeout=10)
    assert response["status"] in (200, 503) and calls == [1]


def test_a_task_carries_the_senders_correlation_id() -> None:
    from liaptui.correlation import bound_correlation_id
    from monitoring.models import RecoveryAction
    from monitoring.tasks import _carry_correlation_id, sample_figures

    headers: dict = {}
    with bound_correlation_id("cid-from-request"):
        _carry_correlation_id(headers=headers)
    assert headers == {"liaptui_correlation_id": "cid-from-request"}

    from monitoring import maintenance

    def boom():
        raise RuntimeError("no figures")

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setitem(maintenance.SERVICES, "sample-figures", boom)
    try:
        sample_figures.apply(kwargs={"correlation_id": "cid-explicit"})
    finally:
        monkeypatch.undo()
    assert RecoveryAction.objects.get().correlation_id == "cid-explicit"
