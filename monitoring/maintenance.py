"""Maintenance services: what the Celery tasks and the in-process runner call.

Each ``maintenance_*`` function does one job over the game and event-store
services, records every automatic action it takes (``monitoring.recovery``)
and returns a small JSON-safe summary. ``job_run(name)`` runs a job of the
schedule by name with a bound correlation id and remembers the run for the
status page; it never raises (a failed run is itself a recorded action).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from liaptui.correlation import bound_correlation_id
from liaptui.logging_setup import get_logger
from monitoring.levers import current_levers
from monitoring.recovery import job_run_remember, recovery_record, recovery_step

log = get_logger("performance")
error_log = get_logger("error")

RETENTION_DEFAULTS = {
    "EVENT_RETENTION_DAYS": 30.0,  # finished streams are archived after this
    "RECOVERY_RETENTION_DAYS": 14.0,  # RecoveryAction rows older than this are deleted
    "SAMPLE_RETENTION_DAYS": 2.0,  # ResourceSample rows older than this are deleted
}


# The sweep leaves an action alone until it is this late (seconds): before
# that, the room's own timer is still expected to take it, and a rescue
# would be a false alarm (each one counts towards LiaptuiRecoveryActivated).
OVERDUE_GRACE = 5.0


def retention() -> dict[str, float]:
    conf = settings.LIAPTUI
    return {
        key.lower(): float(conf.get(key, default)) for key, default in RETENTION_DEFAULTS.items()
    }


# --- advance overdue games + stale connections ----------------------------------


def maintenance_advance_overdue(*, now: Any = None) -> dict[str, Any]:
    """Sweep sockets a dead process left behind, then finish every overdue action.

    The same work as ``games.services.connections_sweep_stale`` and
    ``rooms_advance_overdue``, one room at a time so one broken room neither
    stops the sweep nor goes unrecorded. Read-only mode pauses it (it writes).
    """
    from games.housekeeping import rooms_overdue_ids
    from games.services import connections_sweep_stale, room_advance_until_idle

    if current_levers().read_only:
        return {"skipped": "read_only"}
    swept = 0
    with recovery_step("sweep_stale_connections") as step:
        swept = connections_sweep_stale(stale_after=settings.LIAPTUI["CONNECTION_STALE_AFTER"])
        step["details"] = {"connections": swept}
        step["record"] = swept > 0
    now = now or timezone.now()
    late = timedelta(seconds=float(settings.LIAPTUI.get("OVERDUE_GRACE", OVERDUE_GRACE)))
    advanced: dict[str, int] = {}
    for room_id in rooms_overdue_ids(now=now - late):
        with recovery_step("advance_overdue", room_id) as step:
            steps = room_advance_until_idle(room_id=room_id, source="maintenance")
            advanced[room_id] = steps
            step["details"] = {"steps": steps}
            step["record"] = steps > 0  # 0: the room's own timer got there first
    return {
        "stale_connections": swept,
        "rooms_advanced": sum(1 for n in advanced.values() if n),
        "actions_taken": sum(advanced.values()),
    }


# --- abandoned rooms ---------------------------------------------------------


def maintenance_close_abandoned(*, now: Any = None) -> dict[str, Any]:
    from games.housekeeping import room_close_abandoned, rooms_abandoned

    if current_levers().read_only:
        return {"skipped": "read_only"}
    closed = 0
    for item in rooms_abandoned(now=now):
        with recovery_step("close_abandoned_room", str(item.room.id)) as step:
            step["details"] = {"reason": item.reason, "code": item.room.code}
            done = room_close_abandoned(room=item.room, reason=item.reason)
            step["record"] = done
            closed += int(done)
    return {"closed": closed}


# --- integrity ---------------------------------------------------------------


def maintenance_verify_integrity() -> dict[str, Any]:
    """Verify every stream; each broken one is a failed ``verify_stream`` action."""
    from eventstore.selectors import streams_verify_all

    started = time.perf_counter()
    results = streams_verify_all()
    broken = [r for r in results if not r.ok]
    for result in broken:
        first = result.problems[0]
        where = f"version {first['version']}" if first["version"] is not None else "stream"
        recovery_record(
            action="verify_stream",
            target=result.stream_id,
            outcome="failed",
            error=f"{len(result.problems)} problem(s); first at {where}: {first['problem']}",
            details={
                "problems": result.problems[:20],
                "events": result.event_count,
                "archived": result.archived,
            },
        )
    summary = {
        "streams": len(results),
        "broken": [r.stream_id for r in broken],
        "events": sum(r.event_count for r in results),
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("event_store_verified", details=summary)
    return summary


# --- archive and prune -------------------------------------------------------


def maintenance_archive_and_prune(*, now: Any = None) -> dict[str, Any]:
    """Archive finished streams past retention; delete old recovery rows, samples, sessions."""
    from django.contrib.sessions.models import Session

    from eventstore.services import streams_archive_finished
    from monitoring.models import RecoveryAction, ResourceSample

    now = now or timezone.now()
    keep = retention()
    summary: dict[str, Any] = {}
    if not current_levers().read_only:
        with recovery_step("archive_streams") as step:
            archived = streams_archive_finished(
                older_than=timedelta(days=keep["event_retention_days"])
            )
            summary["archived"] = archived
            step["details"] = {"archived": archived}
            step["record"] = archived > 0
    else:
        summary["archived"] = "skipped: read_only"
    with recovery_step("prune") as step:
        pruned = {
            "recovery_actions": RecoveryAction.objects.filter(
                created_at__lt=now - timedelta(days=keep["recovery_retention_days"])
            ).delete()[0],
            "samples": ResourceSample.objects.filter(
                created_at__lt=now - timedelta(days=keep["sample_retention_days"])
            ).delete()[0],
            "expired_sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        }
        summary["pruned"] = pruned
        step["details"] = pruned
        step["record"] = any(pruned.values())
    return summary


# --- figures -----------------------------------------------------------------


def maintenance_sample_figures() -> dict[str, Any]:
    """One ``ResourceSample``: psutil figures of this machine plus the game figures."""
    import psutil

    from monitoring.models import PerformanceSample, ResourceSample
    from monitoring.providers import GameStatsUnavailable, game_stats
    from monitoring.system import data_path

    try:
        disk = psutil.disk_usage(data_path()).percent
    except OSError:
        disk = 0.0
    net = psutil.net_io_counters()
    try:
        games = game_stats()
    except GameStatsUnavailable:
        games = {}
    sample = ResourceSample.objects.create(
        host=socket.gethostname()[:100],
        cpu_percent=psutil.cpu_percent(interval=0.2),
        memory_percent=psutil.virtual_memory().percent,
        disk_percent=disk,
        net_bytes_sent=getattr(net, "bytes_sent", 0) or 0,
        net_bytes_recv=getattr(net, "bytes_recv", 0) or 0,
        rooms_active=int(games.get("rooms_active") or 0),
        games_in_progress=int(games.get("games_in_progress") or 0),
        connections_active=int(games.get("connections_active") or 0),
        humans_seated=int(games.get("humans_seated") or 0),
        bots_seated=int(games.get("bots_seated") or 0),
    )
    performance = _sample_performance(sample.host)
    cutoff = timezone.now() - timedelta(days=retention()["sample_retention_days"])
    pruned = ResourceSample.objects.filter(created_at__lt=cutoff).delete()[0]
    pruned += PerformanceSample.objects.filter(created_at__lt=cutoff).delete()[0]
    return {
        "sample_id": sample.id,
        "performance_sample_id": performance.id,
        "cpu_percent": sample.cpu_percent,
        "rooms_active": sample.rooms_active,
        "pruned": pruned,
    }


def _sample_performance(host: str) -> Any:
    """One ``PerformanceSample`` from the shared rolling window (whole system)."""
    from monitoring.models import PerformanceSample
    from monitoring.stats import ERROR_WINDOW, MESSAGE_WINDOW, error_summary, performance_summary
    from monitoring.window import window

    short, long = window.totals(MESSAGE_WINDOW), window.totals(ERROR_WINDOW)
    perf = performance_summary(short, long)
    errors = error_summary(long, ERROR_WINDOW)
    ws, cmd, mps = perf["websocket_roundtrip"], perf["command_latency"], perf["messages_per_second"]
    return PerformanceSample.objects.create(
        host=host,
        ws_count=ws["count"],
        ws_p50_ms=ws["p50_ms"],
        ws_p95_ms=ws["p95_ms"],
        ws_p99_ms=ws["p99_ms"],
        cmd_count=cmd["count"],
        cmd_p50_ms=cmd["p50_ms"],
        cmd_p95_ms=cmd["p95_ms"],
        cmd_p99_ms=cmd["p99_ms"],
        messages_in_per_second=mps["in"],
        messages_out_per_second=mps["out"],
        operations=errors["operations"],
        failures=errors["failures"],
        error_rate_percent=errors["error_rate_percent"],
        events_appended=perf["events_appended"],
    )


# --- running a job by name ---------------------------------------------------

SERVICES: dict[str, Callable[[], dict[str, Any]]] = {
    "advance-overdue-games": maintenance_advance_overdue,
    "close-abandoned-rooms": maintenance_close_abandoned,
    "verify-event-store": maintenance_verify_integrity,
    "archive-and-prune": maintenance_archive_and_prune,
    "sample-figures": maintenance_sample_figures,
}


def job_run(name: str, *, correlation_id: str | None = None) -> dict[str, Any]:
    """Run one scheduled job with a bound correlation id; record a crash as a failed action."""
    service = SERVICES[name]
    started_at = timezone.now()
    started = time.perf_counter()
    with bound_correlation_id(correlation_id, job=name):
        try:
            summary = service()
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - the next run retries; this one is on record
            error_log.exception("maintenance_job_failed", details={"job": name})
            summary = {"error": f"{type(exc).__name__}: {exc}"}
            outcome = "failed"
            recovery_record(
                action=f"job:{name}"[:40],
                target=name,
                outcome="failed",
                error=summary["error"],
                duration_ms=(time.perf_counter() - started) * 1000,
            )
        duration_ms = (time.perf_counter() - started) * 1000
        job_run_remember(
            name, started_at=started_at, duration_ms=duration_ms, outcome=outcome, summary=summary
        )
    return {"job": name, "outcome": outcome, **summary}
