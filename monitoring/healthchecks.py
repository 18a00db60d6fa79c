"""django-health-check 4.8 checks and views: ``/ht/`` (humans: HTML; JSON with
``Accept: application/json`` or ``?format=json``), ``/ht/live`` (liveness: the
process answers) and ``/ht/ready`` (readiness: it can serve players).

The list of checks is built per request from settings, so Redis and the
Celery ping appear only when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from monitoring import health


@dataclasses.dataclass
class ChannelLayer(HealthCheck):
    """Send a message to a fresh channel and receive it back."""

    timeout = datetime.timedelta(seconds=health.CHANNEL_LAYER_TIMEOUT)

    async def run(self) -> None:
        try:
            await health._channel_round_trip()
        except Exception as exc:  # noqa: BLE001 - reported by class name only
            raise ServiceUnavailable(
                f"channel layer round trip failed ({type(exc).__name__})"
            ) from exc


@dataclasses.dataclass
class EventStore(HealthCheck):
    """A cheap read of the event store (a stream's version)."""

    def run(self) -> None:
        result = health.check_event_store()
        if result["status"] != "up":
            raise ServiceUnavailable(f"event store read failed ({result.get('error')})")


@dataclasses.dataclass
class ProcessAlive(HealthCheck):
    """Liveness: the process runs its request loop (nothing external)."""

    async def run(self) -> None:
        return None


def _redis_check() -> HealthCheck:
    from health_check.contrib.redis import Redis
    from redis.asyncio import Redis as RedisClient

    url = settings.REDIS_URL
    return Redis(
        client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    )


def _celery_check() -> HealthCheck:
    from health_check.contrib.celery import Ping

    from liaptui.celery import app

    return Ping(app=app, timeout=datetime.timedelta(seconds=1))


def _psutil_checks() -> list[HealthCheck]:
    from health_check.contrib.psutil import Disk, Memory

    from monitoring import system

    return [
        Disk(path=system.data_path(), max_disk_usage_percent=90.0),
        Memory(max_memory_usage_percent=90.0),
    ]


class _Checks(HealthCheckView):
    kind = "all"

    def get_checks(self):
        redis_url = getattr(settings, "REDIS_URL", "")
        if self.kind == "live":
            yield ProcessAlive()
            return
        yield Database()
        yield Cache()
        yield ChannelLayer()
        if redis_url:
            yield _redis_check()
        if self.kind == "ready":
            return
        yield EventStore()
        if redis_url and not getattr(settings, "MAINTENANCE_IN_PROCESS", False):
            yield _celery_check()
        yield from _psutil_checks()


class AllChecksView(_Checks):
    kind = "all"


class LivenessView(_Checks):
    kind = "live"


class ReadinessView(_Checks):
    kind = "ready"
