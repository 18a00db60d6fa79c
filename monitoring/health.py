"""Component checks behind /api/health, /api/health/detailed and the metrics.

Each check returns ``{"status": "up" | "down" | "degraded" | "in-process" |
"unavailable", "latency_ms": float, ...}`` and never raises. Error details are
reduced to an exception class name so nothing secret (URLs, passwords,
hostnames) leaks through the open endpoints.

Critical components decide /api/health (503 when one is down): the database
always, Redis and the channel layer when ``REDIS_URL`` is set (with the
in-memory layer a failing channel layer means a broken process, so it is
critical then too).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections

from liaptui.logging_setup import get_logger

log = get_logger("error")

CHANNEL_LAYER_TIMEOUT = 2.0
CELERY_PING_TIMEOUT = 0.5
DATABASE_TIMEOUT = 3.0
EVENT_STORE_PROBE_STREAM = "monitoring:probe"

T = TypeVar("T")

# Database probes run here, so a dead database (a connection pool waiting
# out its own 10 s timeout, a TCP connect hanging) costs a probe at most
# DATABASE_TIMEOUT instead of blocking it: load balancers and Prometheus give
# up after a few seconds. Each probe closes its thread's connection after use.
_db_probes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="monitoring-db-probe")


def _bounded_db(fn: Callable[[], T], timeout: float = DATABASE_TIMEOUT) -> T:
    def run() -> T:
        try:
            return fn()
        finally:
            connections.close_all()

    return _db_probes.submit(run).result(timeout=timeout)


def _timed(name: str, fn: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        extra = fn() or {}
        result = {"status": extra.pop("status", "up"), **extra}
    except Exception as exc:  # noqa: BLE001 - a failing component is a result, not a crash
        log.warning(
            "component_check_failed", details={"component": name, "error": type(exc).__name__}
        )
        result = {"status": "down", "error": type(exc).__name__}
    result["latency_ms"] = round((time.perf_counter() - start) * 1000, 2)
    return result


def check_database() -> dict[str, Any]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone()[0] != 1:
                raise RuntimeError("unexpected result")

    return _timed("database", lambda: _bounded_db(run)) | {"vendor": connection.vendor}


def check_cache() -> dict[str, Any]:
    def run() -> None:
        key = f"monitoring:probe:{uuid.uuid4().hex}"
        cache.set(key, "1", 5)
        if cache.get(key) != "1":
            raise RuntimeError("cache did not return the value written")
        cache.delete(key)

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return _timed("cache", run) | {"backend": backend}


def check_redis() -> dict[str, Any]:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return {"status": "unavailable", "latency_ms": 0.0, "detail": "REDIS_URL not set"}

    def run() -> None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()

    return _timed("redis", run)


async def _channel_round_trip() -> None:
    import asyncio

    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("monitoring.probe.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "monitoring.probe", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), CHANNEL_LAYER_TIMEOUT)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def check_channel_layer() -> dict[str, Any]:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return _timed("channel_layer", async_to_sync(_channel_round_trip)) | {"backend": backend}


def check_celery() -> dict[str, Any]:
    if not getattr(settings, "REDIS_URL", "") or getattr(settings, "MAINTENANCE_IN_PROCESS", False):
        return {"status": "in-process", "latency_ms": 0.0, "workers": 0}

    def run() -> dict[str, Any]:
        from liaptui.celery import app

        replies = app.control.ping(timeout=CELERY_PING_TIMEOUT) or []
        workers = len(replies)
        return {"status": "up" if workers else "down", "workers": workers}

    return _timed("celery", run)


def check_event_store() -> dict[str, Any]:
    def run() -> None:
        from eventstore import selectors

        selectors.stream_version(EVENT_STORE_PROBE_STREAM)

    return _timed("event_store", lambda: _bounded_db(run))


def check_disk() -> dict[str, Any]:
    from monitoring import system, thresholds

    def run() -> dict[str, Any]:
        import psutil

        usage = psutil.disk_usage(system.data_path())
        lvl = thresholds.level("disk_percent", usage.percent)
        return {
            "status": "up" if lvl != "critical" else "degraded",
            "percent": usage.percent,
            "free_bytes": usage.free,
            "level": lvl,
        }

    return _timed("disk", run)


def critical_components() -> dict[str, dict[str, Any]]:
    """The components /api/health and ``health_status`` depend on."""
    results = {"database": check_database()}
    if getattr(settings, "REDIS_URL", ""):
        results["redis"] = check_redis()
        results["channel_layer"] = check_channel_layer()
    return results


def all_components() -> dict[str, dict[str, Any]]:
    """Every component of the detailed report, critical ones flagged."""
    critical = critical_components()
    results: dict[str, dict[str, Any]] = {}
    checks = {
        "database": check_database,
        "cache": check_cache,
        "redis": check_redis,
        "channel_layer": check_channel_layer,
        "celery": check_celery,
        "event_store": check_event_store,
        "disk": check_disk,
    }
    database_up = critical["database"]["status"] == "up"
    for name, check in checks.items():
        if name == "event_store" and not database_up:
            result = {"status": "down", "error": "DatabaseDown", "latency_ms": 0.0}
        else:
            result = critical[name] if name in critical else check()
        result["critical"] = name in critical
        results[name] = result
    return results
