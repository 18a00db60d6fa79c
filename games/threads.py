"""The worker threads that run services for the async side (sockets, timers).

A pool of its own, sized to the database connection pool: enough threads
that rooms do not queue behind each other, not so many that they queue for
database connections instead.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

_executor: ThreadPoolExecutor | None = None


def service_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=settings.SERVICE_THREADS, thread_name_prefix="services"
        )
    return _executor
