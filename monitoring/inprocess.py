"""The maintenance schedule run inside the server process (no Redis, no Celery).

With ``MAINTENANCE_IN_PROCESS`` on (the default when ``REDIS_URL`` is not
set), ``ensure_started()`` starts one daemon thread per process that runs
the jobs of ``monitoring.schedule.SCHEDULE`` on the same intervals as beat
would, through the same services as the Celery tasks. The ASGI application
calls it on its first connection or request (``liaptui/asgi.py``), so
``make run`` needs no second process. Jobs run one after another; a slow
job delays the next, never overlaps it.

The embedded setup is one server process; with several of them each runs
its own loop (the jobs are idempotent, so that costs work, not correctness).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from liaptui.logging_setup import get_logger

log = get_logger("performance")

FIRST_RUN_DELAY = 5.0  # seconds after start-up before the first jobs run

_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def is_running() -> bool:
    return _thread is not None and _thread.is_alive()


def ensure_started(*, force: bool = False, first_run_delay: float | None = None) -> bool:
    """Start the maintenance thread once per process (True when it is running).

    Does nothing unless ``settings.MAINTENANCE_IN_PROCESS`` (or ``force``).
    Cheap to call on every connection.
    """
    global _thread
    if _thread is not None:
        return _thread.is_alive()
    if not (force or getattr(settings, "MAINTENANCE_IN_PROCESS", False)):
        return False
    with _lock:
        if _thread is None:
            _stop.clear()
            delay = FIRST_RUN_DELAY if first_run_delay is None else first_run_delay
            _thread = threading.Thread(
                target=_run, args=(delay,), name="liaptui-maintenance", daemon=True
            )
            _thread.start()
            log.info("maintenance_in_process_started", details={"first_run_delay": delay})
    return True


def stop(timeout: float = 10.0) -> None:
    """Stop the thread (tests); a later ``ensure_started`` starts a fresh one."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
    _stop.set()
    if thread is not None:
        thread.join(timeout)


def _run(first_run_delay: float) -> None:
    from django.db import close_old_connections

    from monitoring.maintenance import job_run
    from monitoring.schedule import SCHEDULE, job_seconds

    start = time.monotonic() + first_run_delay
    next_at = {job.name: start for job in SCHEDULE}
    while not _stop.is_set():
        name = min(next_at, key=next_at.__getitem__)
        wait = next_at[name] - time.monotonic()
        if wait > 0:
            if _stop.wait(min(wait, 1.0)):
                break
            continue
        close_old_connections()
        try:
            job_run(name)
        except Exception:  # noqa: BLE001 - job_run records failures; this is the last guard
            get_logger("error").exception("maintenance_loop_error", details={"job": name})
        finally:
            close_old_connections()
        next_at[name] = time.monotonic() + job_seconds(name)
    from django.db import connections

    connections.close_all()
