"""The recovery log: recording automatic actions, the stability score and
the data behind ``GET /api/recovery/status``.

Every automatic action of the maintenance tasks is written here with
``recovery_record`` (a ``RecoveryAction`` row, plus the
``recovery_actions_total{action,outcome}`` counter and the shared rolling
window). A maintenance run that finds nothing to do records nothing, so the
``LiaptuiRecoveryActivated`` alert means "the system had to repair itself".
Each run's summary (when, how long, outcome) is kept in the shared cache for
the status page (``job_run_remember`` / ``job_runs``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from liaptui.correlation import current_correlation_id
from liaptui.logging_setup import get_logger

log = get_logger("performance")
error_log = get_logger("error")

JOB_RUN_CACHE_PREFIX = "liaptui:maintenance:last-run:"
JOB_RUN_CACHE_SECONDS = 7 * 24 * 3600
STUCK_AFTER = timedelta(minutes=5)  # a room whose due action is this late is "stuck"

# --- the stability score -----------------------------------------------------
# Documented in docs/operations.md ("Stability score"); keep the two in step.
SCORE_WINDOW = timedelta(hours=1)
WEIGHTS = {
    # name: (points per occurrence, maximum points taken)
    "failed_actions": (10, 40),
    "broken_streams": (15, 45),
    "stuck_rooms": (5, 25),
    "rescued_games": (2, 10),
    "maintenance_stalled": (20, 20),
}


def _now() -> datetime:
    return timezone.now()


def recovery_record(
    *,
    action: str,
    target: str = "",
    outcome: str = "ok",
    error: str = "",
    duration_ms: float = 0,
    details: dict[str, Any] | None = None,
) -> Any:
    """Write one recovery action and count it; never raises (logs instead)."""
    from monitoring import recorder
    from monitoring.models import RecoveryAction

    recorder.recovery_action(action, outcome)
    logger = error_log if outcome == "failed" else log
    logger.info(
        "recovery_action",
        details={
            "action": action,
            "target": target,
            "outcome": outcome,
            "error": error[:500],
            "duration_ms": round(duration_ms),
        },
    )
    try:
        return RecoveryAction.objects.create(
            action=action[:40],
            target=str(target)[:200],
            outcome=outcome,
            error=error[:4000],
            details=details or {},
            duration_ms=max(0, int(duration_ms)),
            correlation_id=(current_correlation_id() or "")[:64],
        )
    except Exception:  # noqa: BLE001 - the log line above is the fallback record
        error_log.exception(
            "recovery_action_not_stored", details={"action": action, "target": target}
        )
        return None


@contextmanager
def recovery_step(action: str, target: str = "") -> Iterator[dict[str, Any]]:
    """Time one action on one target; record ``ok`` or ``failed`` (never re-raises).

    The body may set ``step["outcome"]`` (e.g. ``skipped``), ``step["details"]``,
    or ``step["record"] = False`` when it turned out there was nothing to do.
    """
    step: dict[str, Any] = {"outcome": "ok", "details": {}, "record": True, "error": ""}
    started = time.perf_counter()
    try:
        yield step
    except Exception as exc:  # noqa: BLE001 - one bad target must not stop the sweep
        error_log.exception("recovery_step_failed", details={"action": action, "target": target})
        step.update(outcome="failed", error=f"{type(exc).__name__}: {exc}", record=True)
    if step["record"]:
        recovery_record(
            action=action,
            target=target,
            outcome=step["outcome"],
            error=step["error"],
            duration_ms=(time.perf_counter() - started) * 1000,
            details=step["details"],
        )


def job_run_remember(
    name: str, *, started_at: datetime, duration_ms: float, outcome: str, summary: dict[str, Any]
) -> None:
    """Keep the latest run of a maintenance job in the shared cache (for the status page)."""
    try:
        cache.set(
            JOB_RUN_CACHE_PREFIX + name,
            {
                "at": started_at.isoformat(),
                "duration_ms": round(duration_ms, 1),
                "outcome": outcome,
                "summary": summary,
                "correlation_id": current_correlation_id(),
            },
            JOB_RUN_CACHE_SECONDS,
        )
    except Exception:  # noqa: BLE001 - a cache outage must not fail the job
        error_log.exception("job_run_not_cached", details={"job": name})


def job_runs(names: list[str]) -> dict[str, dict[str, Any] | None]:
    try:
        found = cache.get_many([JOB_RUN_CACHE_PREFIX + n for n in names])
    except Exception:  # noqa: BLE001
        found = {}
    return {n: found.get(JOB_RUN_CACHE_PREFIX + n) for n in names}


def _action_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.created_at.isoformat(),
        "action": row.action,
        "target": row.target,
        "outcome": row.outcome,
        "error": row.error,
        "duration_ms": row.duration_ms,
        "correlation_id": row.correlation_id,
        "details": row.details,
    }


def recent_actions(limit: int = 50) -> list[dict[str, Any]]:
    from monitoring.models import RecoveryAction

    return [_action_dict(r) for r in RecoveryAction.objects.order_by("-created_at", "-id")[:limit]]


def failed_actions(*, since: datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
    from monitoring.models import RecoveryAction

    qs = RecoveryAction.objects.filter(outcome="failed")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return [_action_dict(r) for r in qs.order_by("-created_at", "-id")[:limit]]


def maintenance_mode() -> str:
    """``celery`` (worker + beat over Redis), ``in_process`` or ``off``."""
    if getattr(settings, "MAINTENANCE_IN_PROCESS", False):
        return "in_process"
    if getattr(settings, "REDIS_URL", ""):
        return "celery"
    return "off"


def stuck_rooms(now: datetime | None = None) -> list[str]:
    from games.housekeeping import rooms_stuck

    return rooms_stuck(now=now or _now(), late_by=STUCK_AFTER)


def stability(now: datetime | None = None) -> dict[str, Any]:
    """The system stability score, 0..100, with the figures it was computed from."""
    from monitoring.models import RecoveryAction
    from monitoring.schedule import job_seconds

    now = now or _now()
    since = now - SCORE_WINDOW
    recent = RecoveryAction.objects.filter(created_at__gte=since)
    failed = recent.filter(outcome="failed")
    broken_streams = failed.filter(action="verify_stream").values("target").distinct().count()
    failed_other = failed.exclude(action="verify_stream").count()
    rescued = recent.filter(action="advance_overdue", outcome="ok").count()
    stuck = len(stuck_rooms(now))
    stalled = 0
    mode = maintenance_mode()
    if mode != "off":
        last = job_runs(["advance-overdue-games"]).get("advance-overdue-games")
        limit = timedelta(seconds=10 * job_seconds("advance-overdue-games"))
        if last is not None and now - datetime.fromisoformat(last["at"]) > limit:
            stalled = 1
    counts = {
        "failed_actions": failed_other,
        "broken_streams": broken_streams,
        "stuck_rooms": stuck,
        "rescued_games": rescued,
        "maintenance_stalled": stalled,
    }
    penalties = {name: min(WEIGHTS[name][0] * n, WEIGHTS[name][1]) for name, n in counts.items()}
    score = max(0, 100 - sum(penalties.values()))
    return {
        "score": score,
        "window_seconds": int(SCORE_WINDOW.total_seconds()),
        "counts": counts,
        "penalties": penalties,
        "formula": "100 - min(10*failed_actions, 40) - min(15*broken_streams, 45) "
        "- min(5*stuck_rooms, 25) - min(2*rescued_games, 10) - 20*maintenance_stalled, "
        "clamped to 0..100 (counts over the last hour; see docs/operations.md)",
    }


def recovery_status(now: datetime | None = None) -> dict[str, Any]:
    """Everything ``GET /api/recovery/status`` shows."""
    from monitoring.levers import current_levers
    from monitoring.maintenance import retention
    from monitoring.schedule import SCHEDULE, interval_scale, job_seconds

    now = now or _now()
    runs = job_runs([job.name for job in SCHEDULE])
    conf = settings.LIAPTUI
    levers = current_levers()
    broken = failed_actions(since=now - SCORE_WINDOW, limit=200)
    integrity = sorted({a["target"] for a in broken if a["action"] == "verify_stream"})
    return {
        "generated_at": now.isoformat(),
        "configuration": {
            "mode": maintenance_mode(),
            "interval_scale": interval_scale(),
            "schedule": [
                {
                    "name": job.name,
                    "task": job.task,
                    "every_seconds": job_seconds(job.name),
                    "description": job.description,
                    "last_run": runs.get(job.name),
                }
                for job in SCHEDULE
            ],
            "retention": {k: v for k, v in retention().items()},
            "limits": {
                "empty_room_grace_seconds": conf["EMPTY_ROOM_GRACE"],
                "idle_room_limit_seconds": conf["IDLE_ROOM_LIMIT"],
                "connection_stale_after_seconds": conf["CONNECTION_STALE_AFTER"],
                "stuck_after_seconds": int(STUCK_AFTER.total_seconds()),
            },
        },
        "levers": {
            "maintenance_mode": levers.maintenance_mode,
            "read_only": levers.read_only,
            "blocked_addresses": len(levers.blocked_addresses),
            "rate_limit_per_connection": levers.rate_limit_per_connection,
            "rate_limit_per_address": levers.rate_limit_per_address,
        },
        "stability": stability(now),
        "integrity": {"broken_streams_last_hour": integrity},
        "recent_actions": recent_actions(50),
        "failed_attempts": failed_actions(since=now - timedelta(days=1), limit=50),
        "totals_last_24h": _totals(now - timedelta(days=1)),
    }


def _totals(since: datetime) -> dict[str, dict[str, int]]:
    from monitoring.models import RecoveryAction

    out: dict[str, dict[str, int]] = {}
    rows = (
        RecoveryAction.objects.filter(created_at__gte=since)
        .values("action", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        out.setdefault(row["action"], {})[row["outcome"]] = row["n"]
    return out
