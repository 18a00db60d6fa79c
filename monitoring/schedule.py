"""The maintenance schedule, in code.

One table, two runners: ``manage.py install_beat_schedule`` writes it into
django-celery-beat (``IntervalSchedule`` + ``PeriodicTask`` rows, editable in
the admin afterwards) for the Celery beat + worker deployment, and
``monitoring.inprocess`` runs the same jobs on the same intervals inside the
server process when there is no Redis.

``MAINTENANCE_INTERVAL_SCALE`` (setting or environment variable, default 1)
multiplies every interval: tests use e.g. 0.1 to run the whole schedule in
seconds. No interval is shorter than one second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Job:
    name: str  # PeriodicTask name and the key of the job's last run
    task: str  # Celery task name (monitoring.tasks)
    every: float  # seconds, before scaling
    description: str


SCHEDULE: tuple[Job, ...] = (
    Job(
        "advance-overdue-games",
        "monitoring.advance_overdue_games",
        10,
        "Drop stale WebSocket rows (their seats go to bots) and take every automatic "
        "action whose deadline passed: the backstop when the scheduling process died.",
    ),
    Job(
        "close-abandoned-rooms",
        "monitoring.close_abandoned_rooms",
        60,
        "Close rooms nobody is in (EMPTY_ROOM_GRACE) or idle beyond IDLE_ROOM_LIMIT; "
        "their streams are marked finished.",
    ),
    Job(
        "verify-event-store",
        "monitoring.verify_event_store",
        900,
        "Hash chains, version gaps and snapshot == replay for every stream; each broken "
        "stream is a failed verify_stream action.",
    ),
    Job(
        "archive-and-prune",
        "monitoring.archive_and_prune",
        3600,
        "Archive (compress) finished streams older than EVENT_RETENTION_DAYS; delete old "
        "recovery actions, samples and expired sessions.",
    ),
    Job(
        "sample-figures",
        "monitoring.sample_figures",
        60,
        "Store CPU, memory, disk, network and game figures for the dashboards.",
    ),
)
JOBS = {job.name: job for job in SCHEDULE}


def interval_scale() -> float:
    """The setting MAINTENANCE_INTERVAL_SCALE (from the environment); 1 if not positive."""
    scale = float(getattr(settings, "MAINTENANCE_INTERVAL_SCALE", 1.0))
    return scale if scale > 0 else 1.0


def job_seconds(name: str) -> int:
    """The job's interval in whole seconds, after scaling (at least 1)."""
    return max(1, round(JOBS[name].every * interval_scale()))


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The schedule as ``CELERY_BEAT_SCHEDULE`` (beat without the database scheduler)."""
    return {
        job.name: {"task": job.task, "schedule": float(job_seconds(job.name))} for job in SCHEDULE
    }


def beat_schedule_install(
    *, reset: bool = False, queue: str | None = None
) -> list[tuple[str, str]]:
    """Write the schedule into django-celery-beat; idempotent.

    A missing task is created; an existing one keeps its interval, enabled
    flag and queue as staff left them in the admin unless ``reset``. Returns
    ``[(name, "created" | "updated" | "unchanged")]``.
    """
    from django.db import transaction
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    done = []
    with transaction.atomic():
        for job in SCHEDULE:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=job_seconds(job.name), period=IntervalSchedule.SECONDS
            )
            task = PeriodicTask.objects.filter(name=job.name).first()
            if task is None:
                PeriodicTask.objects.create(
                    name=job.name,
                    task=job.task,
                    interval=interval,
                    queue=queue or None,
                    description=job.description,
                    enabled=True,
                )
                done.append((job.name, "created"))
                continue
            changed = False
            if task.task != job.task:
                task.task, changed = job.task, True
            if task.description != job.description:
                task.description, changed = job.description, True
            if reset:
                if task.interval_id != interval.id or task.crontab_id or not task.enabled:
                    task.interval, task.crontab, task.enabled, changed = interval, None, True, True
                if (task.queue or None) != (queue or None):
                    task.queue, changed = queue or None, True
            elif queue is not None and task.queue != queue:
                task.queue, changed = queue, True
            if changed:
                task.save()
            done.append((job.name, "updated" if changed else "unchanged"))
    return done
