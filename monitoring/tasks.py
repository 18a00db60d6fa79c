"""Celery tasks: thin shells over ``monitoring.maintenance``.

Correlation ids: a task sent while a correlation id is bound (an HTTP
request, a WebSocket message, another task) carries it in the message
header ``liaptui_correlation_id`` (added by the ``before_task_publish``
handler below; not ``correlation_id``, which AMQP already uses for the task
id) and the task binds it for its logs, its recovery records and the
metadata of any events it appends. A task started by beat has none and uses
its Celery task id, so its log lines can still be followed.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import before_task_publish

from liaptui.correlation import current_correlation_id
from monitoring.maintenance import job_run

HEADER = "liaptui_correlation_id"


@before_task_publish.connect
def _carry_correlation_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    cid = current_correlation_id()
    if cid and headers is not None and not headers.get(HEADER):
        headers[HEADER] = cid


def _correlation_id(task: Any, explicit: str | None) -> str | None:
    request = task.request
    return (
        explicit
        or getattr(request, HEADER, None)
        or (request.headers or {}).get(HEADER)
        or request.id
    )


@shared_task(bind=True, name="monitoring.advance_overdue_games", ignore_result=True)
def advance_overdue_games(self, correlation_id: str | None = None) -> dict[str, Any]:
    return job_run("advance-overdue-games", correlation_id=_correlation_id(self, correlation_id))


@shared_task(bind=True, name="monitoring.close_abandoned_rooms", ignore_result=True)
def close_abandoned_rooms(self, correlation_id: str | None = None) -> dict[str, Any]:
    return job_run("close-abandoned-rooms", correlation_id=_correlation_id(self, correlation_id))


@shared_task(bind=True, name="monitoring.verify_event_store", ignore_result=True)
def verify_event_store(self, correlation_id: str | None = None) -> dict[str, Any]:
    return job_run("verify-event-store", correlation_id=_correlation_id(self, correlation_id))


@shared_task(bind=True, name="monitoring.archive_and_prune", ignore_result=True)
def archive_and_prune(self, correlation_id: str | None = None) -> dict[str, Any]:
    return job_run("archive-and-prune", correlation_id=_correlation_id(self, correlation_id))


@shared_task(bind=True, name="monitoring.sample_figures", ignore_result=True)
def sample_figures(self, correlation_id: str | None = None) -> dict[str, Any]:
    return job_run("sample-figures", correlation_id=_correlation_id(self, correlation_id))
