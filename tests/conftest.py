"""Suite-wide fixtures and the known traps of Django + Channels testing.

* Live-server WebSocket tests can hang once sync Channels code ran in the
  same process unless child processes are spawned, not forked.
* Async tests that touch the database need
  ``@pytest.mark.django_db(transaction=True)`` (documented here; each test
  module applies it).
* Tests marked ``postgres`` / ``redis`` need the real services; outside CI
  they skip when the configuration does not point at them, with ``CI=true``
  a missing service fails the run instead.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest

multiprocessing.set_start_method("spawn", force=True)

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def _missing_service(marker: str) -> str | None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].split(".")[-1]
    if marker == "postgres" and engine != "postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    if marker == "redis" and not settings.REDIS_URL:
        return "REDIS_URL is not set"
    if marker == "browser" and not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis", "browser"):
        if marker not in item.keywords:
            continue
        reason = _missing_service(marker)
        if reason is None:
            continue
        if IN_CI:
            pytest.fail(f"CI=true requires the {marker} service: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def chromium_path() -> str:
    return CHROMIUM


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """Room caches and timers belong to one test: start and end each test clean."""
    from eventstore.async_append import close_async_connections
    from eventstore.services import forget_heads
    from games import heartbeat, loading, scheduler, threads

    loading.cache_clear()
    forget_heads()
    heartbeat.forget()
    yield
    scheduler.detach_loop()
    # Work the test's sockets started (e.g. a presence check after a close)
    # must not write while the database is being reset for the next test.
    threads.drain_service_threads()
    # The test database is flushed (and at the end dropped) by Django's own
    # connection: the loop-side append connections must not outlive the test.
    close_async_connections()
    loading.cache_clear()
    forget_heads()
