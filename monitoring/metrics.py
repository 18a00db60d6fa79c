"""Prometheus metrics served at ``/api/health/metrics``.

Two kinds, in two registries (both separate from the default one that
django-prometheus serves at ``/metrics``), rendered together by ``render()``:

* Process-local counters and histograms (messages, latencies, errors, ...),
  updated by ``monitoring.recorder`` (``REGISTRY``). Prometheus scrapes every server
  process and sums them (``sum(rate(...))``), the usual multi-process model.
* System-wide gauges computed at scrape time (``SystemCollector``): rooms
  and connections from the game stats provider (shared database state),
  machine resources, health of the critical components. Every process
  reports the same values, so aggregate them with ``max``, not ``sum``.
"""

from __future__ import annotations

import re
import threading
import time

from django.conf import settings
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# ``*_created`` series double the output and nothing here uses them (this is
# process-wide: django-prometheus's /metrics loses them too).
disable_created_metrics()

REGISTRY = CollectorRegistry()

# Seconds: the Prometheus histograms' buckets.
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    10.0,
)
# Seconds: the rolling window's finer buckets (each 20 % above the previous,
# 0.5 ms to about 28 s) so its percentiles are within 10 % or so.
WINDOW_LATENCY_EDGES = tuple(round(0.0005 * 1.2**i, 6) for i in range(61))

WS_MESSAGES = Counter(
    "websocket_messages",
    "WebSocket messages handled by this process, by direction (in/out) and message type",
    ["direction", "type"],
    registry=REGISTRY,
)
WS_CONNECTIONS_OPENED = Counter(
    "websocket_connections_opened",
    "WebSocket connections accepted by this process",
    registry=REGISTRY,
)
WS_CONNECTIONS_CLOSED = Counter(
    "websocket_connections_closed",
    "WebSocket connections closed on this process",
    registry=REGISTRY,
)
WS_PROCESS_CONNECTIONS = Gauge(
    "websocket_process_connections",
    "WebSocket connections open on this process (active_connections is the system total)",
    registry=REGISTRY,
)
WS_ROUNDTRIP = Histogram(
    "websocket_roundtrip_seconds",
    "Time from receiving a client WebSocket message to sending its reply or new state",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
COMMAND_LATENCY = Histogram(
    "game_command_duration_seconds",
    "Time to decide and store one game command, by command and outcome (ok/rejected)",
    ["command", "outcome"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
ERRORS = Counter(
    "errors",
    "Errors by category (protocol, rule, internal, http, ...)",
    ["category"],
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests finished by this process (outcome error = 5xx), excluding health and metrics",
    ["outcome"],
    registry=REGISTRY,
)
EVENTS_APPENDED = Counter(
    "events_appended",
    "Events appended to the event store, by stream kind",
    ["stream_kind"],
    registry=REGISTRY,
)
RATE_LIMIT_HITS = Counter(
    "rate_limit_hits",
    "Messages refused by a rate limit, by scope (connection/address)",
    ["scope"],
    registry=REGISTRY,
)
SECURITY_EVENTS = Counter(
    "security_events",
    "Security events (access denied, rate limited, bad origin, ...)",
    ["kind"],
    registry=REGISTRY,
)
RECOVERY_ACTIONS = Counter(
    "recovery_actions",
    "Actions of the recovery system, by action and outcome",
    ["action", "outcome"],
    registry=REGISTRY,
)

_LABEL_OK = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")
_MAX_VALUES_PER_LABEL = 64
_seen: dict[str, set[str]] = {}
_seen_lock = threading.Lock()


def label(kind: str, value: object) -> str:
    """A safe, bounded label value: odd or too many distinct values become ``other``."""
    text = str(value)
    if not _LABEL_OK.match(text):
        return "other"
    seen = _seen.get(kind)
    if seen is not None and text in seen:
        return text
    with _seen_lock:
        seen = _seen.setdefault(kind, set())
        if text in seen:
            return text
        if len(seen) >= _MAX_VALUES_PER_LABEL:
            return "other"
        seen.add(text)
        return text


def connection_limit() -> int:
    return int((getattr(settings, "LIAPTUI", {}) or {}).get("MAX_CONNECTIONS", 2000))


_STARTED = time.time()


def uptime_seconds() -> float:
    return time.time() - _STARTED


def started_at() -> float:
    return _STARTED


class SystemCollector(Collector):
    """Gauges computed at scrape time from shared state and the machine."""

    def collect(self):  # noqa: C901 - a flat list of gauges
        from monitoring import health, providers, system

        def gauge(name: str, doc: str, value: float, labels=None):
            family = GaugeMetricFamily(name, doc, labels=list(labels or {}))
            family.add_metric(list((labels or {}).values()), value)
            return family

        # Health first: it must be exported even when the figures below fail.
        components = health.critical_components()
        healthy = all(c["status"] == "up" for c in components.values())
        yield gauge("health_status", "1 when every critical component answers, else 0", healthy)
        family = GaugeMetricFamily(
            "health_component_status", "1 when the component answers, else 0", labels=["component"]
        )
        for name, result in components.items():
            family.add_metric([name], 1 if result["status"] == "up" else 0)
        yield family

        stats, stats_ok = providers.empty_game_stats(), False
        if components["database"]["status"] == "up":  # else the provider would wait for it
            try:
                stats, stats_ok = providers.game_stats(), True
            except providers.GameStatsUnavailable:
                pass
        yield gauge(
            "game_stats_available", "1 when the game figures could be computed, else 0", stats_ok
        )
        if stats_ok:
            yield gauge(
                "active_connections",
                "Number of active WebSocket connections",
                stats["connections_active"],
            )
            yield gauge("game_rooms_active", "Number of active game rooms", stats["rooms_active"])
            by_phase = GaugeMetricFamily(
                "game_rooms_by_phase", "Active game rooms by game phase", labels=["phase"]
            )
            for phase, n in sorted(stats["rooms_by_phase"].items()):
                by_phase.add_metric([str(phase)], n)
            yield by_phase
            by_status = GaugeMetricFamily(
                "game_rooms_by_status", "Game rooms by room status", labels=["status"]
            )
            for status, n in sorted(stats["rooms_by_status"].items()):
                by_status.add_metric([str(status)], n)
            yield by_status
            seated = GaugeMetricFamily(
                "players_seated", "Players seated in rooms, by kind", labels=["kind"]
            )
            seated.add_metric(["human"], stats["humans_seated"])
            seated.add_metric(["bot"], stats["bots_seated"])
            yield seated
            yield gauge(
                "players_disconnected",
                "Seated human players whose connection is gone",
                stats["humans_disconnected"],
            )
            yield gauge("games_in_progress", "Games being played", stats["games_in_progress"])
            yield gauge("games_finished", "Games finished (all time)", stats["games_finished"])
            if stats["average_game_duration_seconds"] is not None:
                yield gauge(
                    "game_duration_average_seconds",
                    "Average duration of finished games",
                    stats["average_game_duration_seconds"],
                )
        yield gauge(
            "connection_limit",
            "Configured maximum of WebSocket connections (MAX_CONNECTIONS)",
            connection_limit(),
        )
        resources = system.resource_usage()
        yield gauge(
            "system_cpu_percent", "Machine CPU utilisation in percent", resources["cpu_percent"]
        )
        yield gauge(
            "system_memory_percent",
            "Machine memory utilisation in percent",
            resources["memory_percent"],
        )
        yield gauge(
            "system_disk_percent",
            "Disk utilisation of the data volume in percent",
            resources["disk_percent"],
        )
        yield gauge(
            "service_uptime_seconds", "Seconds since this server process started", uptime_seconds()
        )


SYSTEM_REGISTRY = CollectorRegistry()
SYSTEM_REGISTRY.register(SystemCollector())


def render() -> bytes:
    """The text exposition of both registries (process metrics, then system gauges)."""
    return generate_latest(REGISTRY) + generate_latest(SYSTEM_REGISTRY)
