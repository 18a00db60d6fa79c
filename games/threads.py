"""The worker threads that run services for the async side (sockets, timers).

A pool of its own, sized for this workload (see SERVICE_THREADS): enough
threads that rooms do not queue behind each other on database waits, few
enough that they do not fight over the GIL.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from django.conf import settings


class ServiceExecutor(ThreadPoolExecutor):
    """A thread pool that knows what is still running, so it can be drained."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="services")
        self._in_flight: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._in_flight.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def drain(self, timeout: float) -> bool:
        """Wait until the work submitted so far has finished; False on timeout."""
        with self._lock:
            pending = set(self._in_flight)
        if not pending:
            return True
        _, not_done = wait(pending, timeout=timeout)
        return not not_done


_executor: ServiceExecutor | None = None


def service_executor() -> ServiceExecutor:
    global _executor
    if _executor is None:
        _executor = ServiceExecutor(max_workers=settings.SERVICE_THREADS)
    return _executor


def drain_service_threads(timeout: float = 10.0) -> bool:
    """Let in-flight services finish (tests call this before the database is reset)."""
    return _executor.drain(timeout) if _executor is not None else True
