"""Selectors for the JSON endpoints: rolling-window summaries and reports."""

from __future__ import annotations

import importlib
import time
from datetime import UTC, datetime
from typing import Any

from monitoring import health, metrics, providers, system, thresholds
from monitoring.metrics import WINDOW_LATENCY_EDGES as EDGES
from monitoring.security import recent_security_events
from monitoring.window import window

MESSAGE_WINDOW = 60  # seconds behind "messages per second"
ERROR_WINDOW = 300  # seconds behind error rates and latency percentiles


def utc_iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(ts if ts is not None else time.time(), UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def percentile(buckets: list[int], q: float) -> float | None:
    """Seconds at quantile ``q`` from non-cumulative bucket counts (interpolated)."""
    total = sum(buckets)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for i, n in enumerate(buckets):
        if n and seen + n >= rank:
            if i >= len(EDGES):
                return EDGES[-1]
            lower = EDGES[i - 1] if i else 0.0
            upper = EDGES[i]
            return lower + (upper - lower) * ((rank - seen) / n)
        seen += n
    return EDGES[-1]


def latency_summary(totals: dict[str, int], prefix: str) -> dict[str, Any]:
    """count, mean and p50/p95/p99 in milliseconds of one window histogram."""
    count = totals.get(f"{prefix}:n", 0)
    buckets = [totals.get(f"{prefix}:b{i}", 0) for i in range(len(EDGES) + 1)]

    def ms(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds * 1000, 2)

    return {
        "count": count,
        "mean_ms": round(totals.get(f"{prefix}:us", 0) / count / 1000, 2) if count else None,
        "p50_ms": ms(percentile(buckets, 0.50)),
        "p95_ms": ms(percentile(buckets, 0.95)),
        "p99_ms": ms(percentile(buckets, 0.99)),
    }


def _by_prefix(totals: dict[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: v for k, v in sorted(totals.items()) if k.startswith(prefix) and v}


def error_summary(totals: dict[str, int], seconds: int) -> dict[str, Any]:
    """Server-side failures over operations (HTTP requests + inbound messages).

    Failures are HTTP 5xx answers and ``internal`` errors; protocol and rule
    errors are the client's mistakes and are listed but not in the rate.
    """
    requests, failed = totals.get("req", 0), totals.get("req_err", 0)
    messages_in = totals.get("ws_in", 0)
    internal = totals.get("err:internal", 0)
    operations = requests + messages_in
    failures = failed + internal
    rate = round(100.0 * failures / operations, 3) if operations else 0.0
    http_rate = round(100.0 * failed / requests, 3) if requests else 0.0
    return {
        "window_seconds": seconds,
        "operations": operations,
        "failures": failures,
        "error_rate_percent": rate,
        "level": thresholds.level("error_rate_percent", rate),
        "http": {"requests": requests, "failed": failed, "error_rate_percent": http_rate},
        "by_category": _by_prefix(totals, "err:"),
        "rate_limited": _by_prefix(totals, "rl:"),
        "security_events": _by_prefix(totals, "sec:"),
    }


def performance_summary(short: dict[str, int], long: dict[str, int]) -> dict[str, Any]:
    messages_in, messages_out = short.get("ws_in", 0), short.get("ws_out", 0)
    roundtrip = latency_summary(long, "rt")
    return {
        "messages_per_second": {
            "in": round(messages_in / MESSAGE_WINDOW, 3),
            "out": round(messages_out / MESSAGE_WINDOW, 3),
            "total": round((messages_in + messages_out) / MESSAGE_WINDOW, 3),
            "window_seconds": MESSAGE_WINDOW,
            "messages": {"in": messages_in, "out": messages_out},
        },
        "websocket_roundtrip": roundtrip
        | {
            "window_seconds": ERROR_WINDOW,
            "level": thresholds.level("websocket_latency_ms", roundtrip["p95_ms"]),
        },
        "command_latency": latency_summary(long, "cmd")
        | {"window_seconds": ERROR_WINDOW, "rejected": long.get("cmd:rejected", 0)},
        "events_appended": long.get("ev", 0),
        "recovery_actions": _by_prefix(long, "rec:"),
    }


def resources_report() -> dict[str, Any]:
    usage = system.resource_usage()
    return {
        "cpu": thresholds.rated("cpu_percent", usage["cpu_percent"], unit="percent")
        | {"count": usage["cpu_count"], "load_average": usage["load_average"]},
        "memory": thresholds.rated("memory_percent", usage["memory_percent"], unit="percent")
        | {
            "total_bytes": usage["memory_total_bytes"],
            "available_bytes": usage["memory_available_bytes"],
        },
        "disk": thresholds.rated("disk_percent", usage["disk_percent"], unit="percent")
        | {"free_bytes": usage["disk_free_bytes"], "total_bytes": usage["disk_total_bytes"]},
        "process": usage["process"],
    }


def _game_stats(database_up: bool = True) -> tuple[dict[str, Any], bool]:
    if not database_up:  # the provider reads the database: don't wait for it
        return providers.empty_game_stats(), False
    try:
        return providers.game_stats(), True
    except providers.GameStatsUnavailable:
        return providers.empty_game_stats(), False


def connections_report(stats: dict[str, Any], short: dict[str, int]) -> dict[str, Any]:
    """System-wide figures, plus the busiest process against the per-process limit.

    ``MAX_CONNECTIONS`` is a per-process limit, so the level comes from the
    process closest to it (each process publishes its count every second).
    """
    from monitoring import recorder

    limit = metrics.connection_limit()
    per_process = window.gauge_values("ws_conns")
    busiest = int(max(per_process.values(), default=0))
    usage = round(100.0 * busiest / limit, 2) if limit else 0.0
    return {
        "active": stats["connections_active"],
        "limit_per_process": limit,
        "processes_reporting": len(per_process),
        "busiest_process": busiest,
        "usage": thresholds.rated("connections_percent", usage, unit="percent of limit"),
        "humans_seated": stats["humans_seated"],
        "bots_seated": stats["bots_seated"],
        "humans_disconnected": stats["humans_disconnected"],
        "opened_last_minute": short.get("ws_open", 0),
        "closed_last_minute": short.get("ws_close", 0),
        "this_process": recorder.process_connections(),
    }


def detailed_health() -> dict[str, Any]:
    """The /api/health/detailed report (open: figures only, no secrets)."""
    short, long = window.totals(MESSAGE_WINDOW), window.totals(ERROR_WINDOW)
    components = health.all_components()
    stats, stats_ok = _game_stats(components["database"]["status"] == "up")
    resources = resources_report()
    resources.pop("process", None)
    errors = error_summary(long, ERROR_WINDOW)
    performance = performance_summary(short, long)
    connections = connections_report(stats, short)
    connections.pop("this_process", None)
    levels = [
        resources["cpu"]["level"],
        resources["memory"]["level"],
        resources["disk"]["level"],
        errors["level"],
        performance["websocket_roundtrip"]["level"],
        connections["usage"]["level"],
    ]
    for result in components.values():
        if result["status"] == "down":
            levels.append("critical" if result["critical"] else "warning")
        elif result["status"] == "degraded":
            levels.append("warning")
    if not stats_ok:
        levels.append("warning")
    return {
        "status": thresholds.worst(*levels),
        "timestamp": utc_iso(),
        "uptime_seconds": round(metrics.uptime_seconds(), 1),
        "started_at": utc_iso(metrics.started_at()),
        "resources": resources,
        "connections": connections,
        "rooms_active": stats["rooms_active"],
        "game_stats_available": stats_ok,
        "error_rates": errors,
        "websocket_latency": performance["websocket_roundtrip"],
        "messages_per_second": performance["messages_per_second"],
        "components": components,
    }


def system_stats() -> dict[str, Any]:
    """The /api/system/stats report (ops only)."""
    short, long = window.totals(MESSAGE_WINDOW), window.totals(ERROR_WINDOW)
    database = health.check_database()
    stats, stats_ok = _game_stats(database["status"] == "up")
    report = {
        "timestamp": utc_iso(),
        "server": {
            "uptime_seconds": round(metrics.uptime_seconds(), 1),
            "started_at": utc_iso(metrics.started_at()),
            "resources": resources_report(),
            "database": database,
        },
        "connections": connections_report(stats, short),
        "rooms": {
            "active": stats["rooms_active"],
            "by_phase": stats["rooms_by_phase"],
            "by_status": stats["rooms_by_status"],
            "games_in_progress": stats["games_in_progress"],
            "games_finished": stats["games_finished"],
            "average_game_duration_seconds": stats["average_game_duration_seconds"],
            "available": stats_ok,
        },
        "performance": performance_summary(short, long),
        "errors": error_summary(long, ERROR_WINDOW)
        | {"recent_security_events": recent_security_events(20)},
        "event_store": event_store_stats(),
    }
    return report


def event_store_stats() -> dict[str, Any] | None:
    """``eventstore_stats()`` from the event store's selectors (or services)."""
    fn = None
    for module in ("eventstore.selectors", "eventstore.services"):
        try:
            fn = getattr(importlib.import_module(module), "eventstore_stats", None)
        except ImportError:
            continue
        if fn is not None:
            break
    if fn is None:
        return None
    try:
        stats = fn()
    except Exception as exc:  # noqa: BLE001 - a report, not a crash
        return {"error": type(exc).__name__}
    return stats if isinstance(stats, dict) else {"value": stats}


def room_stats() -> dict[str, Any]:
    """The /api/debug/room-stats report (ops only)."""
    stats, stats_ok = _game_stats()
    rooms = stats.get("rooms") or []
    return {
        "timestamp": utc_iso(),
        "available": stats_ok,
        "rooms_active": stats["rooms_active"],
        "phase_distribution": stats["rooms_by_phase"],
        "status_distribution": stats["rooms_by_status"],
        "players": {
            "humans_seated": stats["humans_seated"],
            "bots_seated": stats["bots_seated"],
            "humans_disconnected": stats["humans_disconnected"],
            "connections_active": stats["connections_active"],
        },
        "games_in_progress": stats["games_in_progress"],
        "games_finished": stats["games_finished"],
        "average_game_duration_seconds": stats["average_game_duration_seconds"],
        "rooms": rooms,
    }
