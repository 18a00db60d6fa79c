"""Correlation ids: one id follows a request or WebSocket message everywhere.

The id comes from the ``X-Correlation-ID`` header when a caller supplies a
sane one, otherwise it is generated. It is bound into structlog's context
(so every log line carries it), returned in the response header, and read
by services when they write event metadata or start Celery tasks.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import structlog
from django.http import HttpRequest, HttpResponse

HEADER = "X-Correlation-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def clean_correlation_id(candidate: str | None) -> str:
    """Accept a caller's id only if it is short and harmless; else make one."""
    if candidate and _VALID.match(candidate):
        return candidate
    return new_correlation_id()


def current_correlation_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("correlation_id")


@contextmanager
def bound_correlation_id(correlation_id: str | None = None, **extra: object) -> Iterator[str]:
    """Bind a correlation id (and e.g. room_id) for the duration of a block."""
    cid = clean_correlation_id(correlation_id)
    with structlog.contextvars.bound_contextvars(correlation_id=cid, **extra):
        yield cid


class CorrelationIdMiddleware:
    """Binds the request's correlation id for logs and echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cid = clean_correlation_id(request.headers.get(HEADER))
        request.correlation_id = cid  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=cid)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.clear_contextvars()
        response[HEADER] = cid
        return response
