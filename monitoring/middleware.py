"""HTTP request metrics and logs: ``RequestMetricsMiddleware``.

Place it right after ``liaptui.correlation.CorrelationIdMiddleware`` so its
log lines carry the request's correlation id. For every request it:

* feeds ``recorder.request_done(ok)`` (5xx = not ok) for the error rate,
  except health, metrics and health-check probes (scrapes would swamp it);
* logs requests slower than ``SLOW_REQUEST_MS`` (default 500) as
  ``performance`` / ``slow_request``;
* logs an unhandled exception with its stack trace as ``error`` /
  ``unhandled_exception`` and counts ``errors_total{category="http"}``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from liaptui.logging_setup import get_logger
from monitoring import recorder

perf_log = get_logger("performance")
error_log = get_logger("error")

UNCOUNTED_PREFIXES = ("/api/health", "/metrics", "/ht/", "/static/")


def _slow_ms() -> float:
    return float(getattr(settings, "SLOW_REQUEST_MS", 500))


class RequestMetricsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    ) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self.__acall__(request)
        start = time.perf_counter()
        response = self.get_response(request)
        self._finished(request, response, time.perf_counter() - start)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = await self.get_response(request)  # type: ignore[misc]
        self._finished(request, response, time.perf_counter() - start)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        error_log.error(
            "unhandled_exception",
            exc_info=exception,
            details={
                "method": request.method,
                "path": request.path,
                "error": type(exception).__name__,
            },
        )
        recorder.error("http")
        return None

    def _finished(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        status = response.status_code
        if not request.path.startswith(UNCOUNTED_PREFIXES):
            recorder.request_done(ok=status < 500)
        duration_ms = seconds * 1000
        if duration_ms >= _slow_ms():
            perf_log.warning(
                "slow_request",
                details={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round(duration_ms, 1),
                },
            )
