"""Every figure the staff dashboards show, computed here (templates only print).

Sources:

* live figures: ``monitoring.stats`` (rolling window, health components);
* history: ``ResourceSample`` / ``PerformanceSample`` rows written by the
  ``sample-figures`` maintenance job (one a minute, kept two days);
* game analytics: the room event streams (``game_started`` .. ``game_over``
  segments; ``round_scored`` holds declared/captured per seat);
* alerts: samples over their thresholds, security events, ``RecoveryAction``.

Each public selector takes keyword arguments and returns plain dicts/lists.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from monitoring import thresholds

# --- time ranges -------------------------------------------------------------


@dataclass(frozen=True)
class TimeRange:
    key: str
    label: str
    seconds: int
    since: datetime
    until: datetime


RANGES: dict[str, tuple[str, int]] = {
    "1h": ("last hour", 3600),
    "6h": ("last 6 hours", 6 * 3600),
    "24h": ("last 24 hours", 24 * 3600),
    "7d": ("last 7 days", 7 * 24 * 3600),
}
DEFAULT_RANGE = "24h"


def time_range(raw: str | None, *, now: datetime | None = None) -> TimeRange:
    """The range named by ``?range=`` (unknown or missing: the default)."""
    key = raw if raw in RANGES else DEFAULT_RANGE
    label, seconds = RANGES[key]
    until = now or timezone.now()
    return TimeRange(key, label, seconds, until - timedelta(seconds=seconds), until)


# --- helpers -----------------------------------------------------------------


def _pct(part: float, whole: float, digits: int = 1) -> float | None:
    return round(100.0 * part / whole, digits) if whole else None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() if a and b else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _thresholds(metric: str) -> dict[str, float]:
    warn, crit = thresholds.thresholds()[metric]
    return {"warning": warn, "critical": crit}


# --- 1. system overview --------------------------------------------------------


def current_alerts(health: dict[str, Any]) -> list[dict[str, Any]]:
    """Threshold breaches right now, from a ``detailed_health()`` report."""
    alerts: list[dict[str, Any]] = []
    figures = [
        ("CPU", "cpu_percent", health["resources"]["cpu"]["value"], "%"),
        ("Memory", "memory_percent", health["resources"]["memory"]["value"], "%"),
        ("Disk", "disk_percent", health["resources"]["disk"]["value"], "%"),
        ("Error rate", "error_rate_percent", health["error_rates"]["error_rate_percent"], "%"),
        (
            "WebSocket latency p95",
            "websocket_latency_ms",
            health["websocket_latency"]["p95_ms"],
            " ms",
        ),
        (
            "Connections (busiest process, of its limit)",
            "connections_percent",
            health["connections"]["usage"]["value"],
            "%",
        ),
    ]
    for name, metric, value, unit in figures:
        lvl = thresholds.level(metric, value)
        if lvl != "good":
            limits = _thresholds(metric)
            alerts.append(
                {
                    "name": name,
                    "metric": metric,
                    "value": value,
                    "unit": unit,
                    "level": lvl,
                    "limit": limits["critical"] if lvl == "critical" else limits["warning"],
                }
            )
    for component, result in health["components"].items():
        if result.get("status") in ("down", "degraded"):
            lvl = "critical" if result["status"] == "down" and result.get("critical") else "warning"
            alerts.append(
                {
                    "name": f"Component {component}",
                    "metric": component,
                    "value": result["status"],
                    "unit": "",
                    "level": lvl,
                    "limit": None,
                    "detail": result.get("error") or result.get("detail") or "",
                }
            )
    if not health.get("game_stats_available", True):
        alerts.append(
            {
                "name": "Game figures unavailable",
                "metric": "game_stats",
                "value": "down",
                "unit": "",
                "level": "warning",
                "limit": None,
            }
        )
    return alerts


def system_overview(*, now: datetime | None = None) -> dict[str, Any]:
    """Health, uptime, active games, connections, error rate and the current alerts."""
    from games.selectors import game_stats
    from monitoring.recovery import failed_actions, stability
    from monitoring.stats import detailed_health

    health = detailed_health()
    games = game_stats()
    now = now or timezone.now()
    alerts = current_alerts(health)
    failed = failed_actions(since=now - timedelta(hours=1), limit=20)
    if failed:
        alerts.append(
            {
                "name": "Failed recovery actions (last hour)",
                "metric": "recovery",
                "value": len(failed),
                "unit": "",
                "level": "warning",
                "limit": 0,
            }
        )
    uptime = health["uptime_seconds"]
    components = [
        {
            "name": name,
            "status": r.get("status"),
            "critical": bool(r.get("critical")),
            "ms": r.get("latency_ms"),
            "detail": r.get("error") or r.get("detail") or "",
        }
        for name, r in sorted(health["components"].items())
    ]
    return {
        "status": health["status"],
        "uptime_seconds": uptime,
        "uptime_text": duration_text(uptime),
        "started_at": health["started_at"],
        "components": components,
        "rooms_active": games["rooms_active"],
        "games_in_progress": games["games_in_progress"],
        "games_finished": games["games_finished"],
        "rooms_by_status": games["rooms_by_status"],
        "rooms_by_phase": games["rooms_by_phase"],
        "connections": health["connections"],
        "humans_seated": games["humans_seated"],
        "bots_seated": games["bots_seated"],
        "error_rate": health["error_rates"],
        "websocket_latency": health["websocket_latency"],
        "messages_per_second": health["messages_per_second"],
        "resources": health["resources"],
        "stability": stability(now),
        "alerts": alerts,
    }


def duration_text(seconds: float | None) -> str:
    """``3d 4h``, ``2h 5m``, ``4m 10s``, ``12.3s`` (for people, not machines)."""
    if seconds is None:
        return "–"
    s = float(seconds)
    if s < 60:
        return f"{s:.1f}s" if s < 10 else f"{s:.0f}s"
    m, sec = divmod(int(s), 60)
    h, m = divmod(m, 60)
    d, h = divmod(h, 24)
    if d:
        return f"{d}d {h}h"
    if h:
        return f"{h}h {m}m"
    return f"{m}m {sec}s"


# --- 2. performance ------------------------------------------------------------


def performance_report(*, rng: TimeRange) -> dict[str, Any]:
    """The live window figures plus the sampled history over ``rng``."""
    from monitoring.models import PerformanceSample
    from monitoring.stats import ERROR_WINDOW, MESSAGE_WINDOW, error_summary, performance_summary
    from monitoring.window import window

    short, long = window.totals(MESSAGE_WINDOW), window.totals(ERROR_WINDOW)
    now = performance_summary(short, long)
    errors = error_summary(long, ERROR_WINDOW)
    rows = list(
        PerformanceSample.objects.filter(created_at__gte=rng.since, created_at__lte=rng.until)
        .order_by("created_at")
        .values_list(
            "created_at",
            "ws_p50_ms",
            "ws_p95_ms",
            "ws_p99_ms",
            "cmd_p50_ms",
            "cmd_p95_ms",
            "cmd_p99_ms",
            "messages_in_per_second",
            "messages_out_per_second",
            "error_rate_percent",
            "events_appended",
        )
    )

    def series(i: int) -> list[tuple[datetime, float | None]]:
        return [(r[0], r[i]) for r in rows]

    return {
        "now": now,
        "errors": errors,
        "samples": len(rows),
        "series": {
            "ws": {"p50": series(1), "p95": series(2), "p99": series(3)},
            "cmd": {"p50": series(4), "p95": series(5), "p99": series(6)},
            "messages": {"in": series(7), "out": series(8)},
            "error_rate": series(9),
            "events": series(10),
        },
        "peaks": {
            "ws_p95_ms": _max([r[2] for r in rows]),
            "cmd_p95_ms": _max([r[5] for r in rows]),
            "messages_per_second": _max([(r[7] or 0) + (r[8] or 0) for r in rows]),
            "error_rate_percent": _max([r[9] for r in rows]),
        },
        "thresholds": {
            "websocket_latency_ms": _thresholds("websocket_latency_ms"),
            "error_rate_percent": _thresholds("error_rate_percent"),
        },
    }


def _max(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


# --- 3. resources --------------------------------------------------------------


def resources_history(*, rng: TimeRange) -> dict[str, Any]:
    """CPU, memory, disk (percent) and network (bytes/s) over ``rng``, plus now."""
    from monitoring.models import ResourceSample
    from monitoring.stats import resources_report

    rows = list(
        ResourceSample.objects.filter(created_at__gte=rng.since, created_at__lte=rng.until)
        .order_by("created_at")
        .values_list(
            "created_at",
            "host",
            "cpu_percent",
            "memory_percent",
            "disk_percent",
            "net_bytes_sent",
            "net_bytes_recv",
            "connections_active",
            "rooms_active",
        )
    )
    net_sent: list[tuple[datetime, float | None]] = []
    net_recv: list[tuple[datetime, float | None]] = []
    last: dict[str, tuple] = {}
    by_host: dict[str, dict[str, list]] = {}
    for row in rows:  # counters are per host: rate between a host's consecutive samples
        host = by_host.setdefault(row[1] or "?", defaultdict(list))
        host["cpu"].append((row[0], row[2]))
        host["memory"].append((row[0], row[3]))
        host["disk"].append((row[0], row[4]))
        prev = last.get(row[1])
        if prev is not None:
            dt = (row[0] - prev[0]).total_seconds()
            if dt > 0 and row[5] >= prev[5] and row[6] >= prev[6]:  # a reboot resets counters
                sent, recv = (row[5] - prev[5]) / dt, (row[6] - prev[6]) / dt
                net_sent.append((row[0], sent))
                net_recv.append((row[0], recv))
                host["net_sent"].append((row[0], sent))
                host["net_recv"].append((row[0], recv))
        last[row[1]] = row
    series = {
        "cpu": [(r[0], r[2]) for r in rows],
        "memory": [(r[0], r[3]) for r in rows],
        "disk": [(r[0], r[4]) for r in rows],
        "net_sent": net_sent,
        "net_recv": net_recv,
        "connections": [(r[0], r[7]) for r in rows],
        "rooms": [(r[0], r[8]) for r in rows],
    }

    def summary(key: str) -> dict[str, Any]:
        values = [v for _, v in series[key] if v is not None]
        return {
            "avg": _round(statistics.fmean(values)) if values else None,
            "max": _round(max(values)) if values else None,
        }

    return {
        "now": resources_report(),
        "samples": len(rows),
        "series": series,
        "by_host": {h: dict(v) for h, v in sorted(by_host.items())},
        "summary": {k: summary(k) for k in ("cpu", "memory", "disk", "net_sent", "net_recv")},
        "thresholds": {
            m: _thresholds(m) for m in ("cpu_percent", "memory_percent", "disk_percent")
        },
    }


# --- 4. game analytics -----------------------------------------------------------

PLAYER_ACTIONS = ("declared", "played", "redeal_decided")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class GameRecord:
    """One finished game (``game_started`` .. ``game_over``) of a room stream."""

    stream_id: str
    started_at: datetime
    finished_at: datetime
    rounds: int
    winners: tuple[int, ...]
    bots: tuple[bool, bool, bool, bool]
    actions: int
    deals: int
    redeals: int
    declarations: list[tuple[int, int]]  # (declared, captured) per seat and round

    @property
    def duration_seconds(self) -> float:
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


def games_from_events(stream_id: str, events: list[Any]) -> list[GameRecord]:
    """The finished games in one stream's events (objects with type, data, recorded_at).

    Seat kinds (bot or human) are those at ``game_over``: a human who left
    mid-game was replaced by a bot, which then finished the game.
    """
    bots = [False, False, False, False]
    games: list[GameRecord] = []
    current: dict[str, Any] | None = None
    for ev in events:
        t, d = ev.type, ev.data
        if t == "bot_added":
            bots[d["seat"]] = True
        elif t in ("bot_removed", "seat_taken"):
            bots[d["seat"]] = False
        elif t == "seat_left":
            bots[d["seat"]] = bool(d.get("replaced_by_bot"))
        elif t == "game_started":
            current = {
                "started": ev.recorded_at,
                "rounds": 0,
                "actions": 0,
                "deals": 0,
                "redeals": 0,
                "declarations": [],
            }
        elif current is None:
            continue
        elif t in PLAYER_ACTIONS:
            current["actions"] += 1
        elif t == "hands_dealt":
            current["deals"] += 1
            if int(d.get("deal", 1)) > 1:
                current["redeals"] += 1
        elif t == "round_scored":
            current["rounds"] += 1
            current["declarations"].extend(
                (int(s["declared"]), int(s["captured"])) for s in d.get("seats", [])
            )
        elif t == "game_over":
            games.append(
                GameRecord(
                    stream_id=stream_id,
                    started_at=current["started"],
                    finished_at=ev.recorded_at,
                    rounds=current["rounds"],
                    winners=tuple(d.get("winners", ())),
                    bots=tuple(bots),
                    actions=current["actions"],
                    deals=current["deals"],
                    redeals=current["redeals"],
                    declarations=current["declarations"],
                )
            )
            current = None
    return games


def finished_games(*, rng: TimeRange) -> list[GameRecord]:
    """Every game that ended (``game_over``) inside ``rng``, from the live event table."""
    from eventstore.models import Event
    from eventstore.selectors import event_read

    streams = sorted(
        set(
            Event.objects.filter(
                type="game_over", recorded_at__gte=rng.since, recorded_at__lte=rng.until
            ).values_list("stream_id", flat=True)
        )
    )
    games: list[GameRecord] = []
    for stream_id in streams:
        for game in games_from_events(stream_id, event_read(stream_id=stream_id)):
            if rng.since <= game.finished_at <= rng.until:
                games.append(game)
    return games


def game_analytics(*, rng: TimeRange) -> dict[str, Any]:
    """Popular times, duration, rounds, win rates, declaration accuracy, redeals, APM."""
    from eventstore.models import Event

    games = finished_games(rng=rng)
    started = list(
        Event.objects.filter(
            type="game_started", recorded_at__gte=rng.since, recorded_at__lte=rng.until
        ).values_list("recorded_at", flat=True)
    )
    by_hour = [0] * 24
    by_weekday = [0] * 7
    for at in started:
        at = timezone.localtime(at) if timezone.is_aware(at) else at
        by_hour[at.hour] += 1
        by_weekday[at.weekday()] += 1

    n = len(games)
    durations = [g.duration_seconds for g in games]
    rounds = [g.rounds for g in games]
    seat_wins = [0, 0, 0, 0]
    kind = {"bot": {"seats": 0, "wins": 0}, "human": {"seats": 0, "wins": 0}}
    for g in games:
        for seat in range(4):
            k = "bot" if g.bots[seat] else "human"
            kind[k]["seats"] += 1
            if seat in g.winners:
                seat_wins[seat] += 1
                kind[k]["wins"] += 1
    declarations = [pair for g in games for pair in g.declarations]
    exact = sum(1 for declared, captured in declarations if declared == captured)
    total_rounds = sum(rounds)
    redeals = sum(g.redeals for g in games)
    actions = sum(g.actions for g in games)
    minutes = sum(durations) / 60.0
    rounds_hist = Counter(rounds)
    return {
        "range": rng,
        "games_finished": n,
        "games_started": len(started),
        "popular": {
            "by_hour": by_hour,
            "by_weekday": by_weekday,
            "weekdays": WEEKDAYS,
            "busiest_hour": max(range(24), key=by_hour.__getitem__) if started else None,
            "busiest_weekday": WEEKDAYS[max(range(7), key=by_weekday.__getitem__)]
            if started
            else None,
        },
        "duration": {
            "avg_seconds": _round(statistics.fmean(durations), 2) if durations else None,
            "median_seconds": _round(statistics.median(durations), 2) if durations else None,
            "max_seconds": _round(max(durations), 2) if durations else None,
            "avg_text": duration_text(statistics.fmean(durations)) if durations else "–",
            "median_text": duration_text(statistics.median(durations)) if durations else "–",
            "max_text": duration_text(max(durations)) if durations else "–",
        },
        "rounds": {
            "avg": _round(statistics.fmean(rounds), 2) if rounds else None,
            "min": min(rounds) if rounds else None,
            "max": max(rounds) if rounds else None,
            "total": total_rounds,
            "histogram": sorted(rounds_hist.items()),
        },
        "seats": [
            {"seat": s, "wins": seat_wins[s], "win_rate": _pct(seat_wins[s], n)} for s in range(4)
        ],
        "kinds": [
            {
                "kind": k,
                "seat_games": v["seats"],
                "wins": v["wins"],
                "win_rate": _pct(v["wins"], v["seats"]),
            }
            for k, v in kind.items()
        ],
        "declarations": {
            "total": len(declarations),
            "exact": exact,
            "accuracy": _pct(exact, len(declarations)),
            "over": sum(1 for d, c in declarations if d > c),
            "under": sum(1 for d, c in declarations if d < c),
        },
        "redeals": {
            "total": redeals,
            "per_round": round(redeals / total_rounds, 3) if total_rounds else None,
            "per_game": round(redeals / n, 3) if n else None,
        },
        "actions": {
            "total": actions,
            "per_minute": round(actions / minutes, 1) if minutes else None,
            "per_game": round(actions / n, 1) if n else None,
        },
    }


# --- 5. alerts -----------------------------------------------------------------

SAMPLED_METRICS = (
    ("CPU", "cpu_percent", "resource", "cpu_percent", "%"),
    ("Memory", "memory_percent", "resource", "memory_percent", "%"),
    ("Disk", "disk_percent", "resource", "disk_percent", "%"),
    ("WebSocket latency p95", "websocket_latency_ms", "performance", "ws_p95_ms", " ms"),
    ("Error rate", "error_rate_percent", "performance", "error_rate_percent", "%"),
)


def threshold_breaches(*, rng: TimeRange) -> list[dict[str, Any]]:
    """Runs of consecutive samples at warning or worse, newest first.

    A breach starts at the first sample over the warning line and ends at the
    last one before the figure came back (``ongoing`` if the newest sample
    is still over it). ``level`` is the worst level seen during the run.
    """
    from monitoring.models import PerformanceSample, ResourceSample

    tables = {"resource": ResourceSample, "performance": PerformanceSample}
    breaches: list[dict[str, Any]] = []
    for name, metric, table, column, unit in SAMPLED_METRICS:
        rows = list(
            tables[table]
            .objects.filter(created_at__gte=rng.since, created_at__lte=rng.until)
            .order_by("created_at")
            .values_list("created_at", column)
        )
        run: dict[str, Any] | None = None
        for at, value in rows:
            lvl = thresholds.level(metric, value)
            if lvl == "good":
                if run is not None:
                    breaches.append(run)
                    run = None
                continue
            if run is None:
                run = {
                    "name": name,
                    "metric": metric,
                    "unit": unit,
                    "started_at": at,
                    "ended_at": at,
                    "samples": 0,
                    "peak": value,
                    "level": lvl,
                    "ongoing": False,
                }
            run["ended_at"] = at
            run["samples"] += 1
            run["peak"] = max(run["peak"], value)
            run["level"] = thresholds.worst(run["level"], lvl)
        if run is not None:
            run["ongoing"] = True
            breaches.append(run)
    for b in breaches:
        b["duration_text"] = duration_text(_seconds(b["started_at"], b["ended_at"]))
        b["limit"] = _thresholds(b["metric"])[b["level"]]
    breaches.sort(key=lambda b: b["started_at"], reverse=True)
    return breaches


def alerts_report(*, rng: TimeRange) -> dict[str, Any]:
    """Threshold breaches, security events, recovery activations and failed checks."""
    from monitoring.models import RecoveryAction
    from monitoring.recovery import _action_dict
    from monitoring.security import recent_security_events

    actions = RecoveryAction.objects.filter(created_at__gte=rng.since, created_at__lte=rng.until)
    by_action = [
        {"action": r["action"], "outcome": r["outcome"], "n": r["n"]}
        for r in actions.values("action", "outcome")
        .annotate(n=Count("id"))
        .order_by("action", "outcome")
    ]
    failed = actions.filter(outcome="failed")
    integrity = [_with_audit(_action_dict(r)) for r in failed.filter(action="verify_stream")[:50]]
    other_failed = [
        _with_audit(_action_dict(r)) for r in failed.exclude(action="verify_stream")[:50]
    ]
    security = recent_security_events(100)
    since_iso = rng.since.isoformat()
    security = [e for e in security if _iso_z(e.get("timestamp", "")) >= since_iso]
    kinds = Counter(e.get("kind", "?") for e in security)
    return {
        "breaches": threshold_breaches(rng=rng),
        "security_events": security[:50],
        "security_by_kind": sorted(kinds.items(), key=lambda kv: -kv[1]),
        "recovery": {
            "total": actions.count(),
            "failed": failed.count(),
            "by_action": by_action,
            "recent": [_action_dict(r) for r in actions.exclude(outcome="failed")[:30]],
        },
        "integrity_failures": integrity,
        "failed_actions": other_failed,
        "broken_streams": sorted({a["target"] for a in integrity}),
    }


def _with_audit(action: dict[str, Any]) -> dict[str, Any]:
    """Add ``audit``: the room id whose audit page explains a ``room-<uuid>`` target."""
    target = action.get("target") or ""
    action["audit"] = target[5:] if target.startswith("room-") and len(target) == 41 else ""
    return action


def _iso_z(text: str) -> str:
    """``...Z`` timestamps of the security list, comparable with ``isoformat()``."""
    return text[:-1] + "+00:00" if text.endswith("Z") else text


# --- 6. room audit trail -----------------------------------------------------------


def _event_summary(type_: str, data: dict[str, Any], names: dict[int, str]) -> str:
    seat = data.get("seat")
    who = names.get(seat, f"seat {seat}") if isinstance(seat, int) else ""
    auto = f" (auto: {data['auto']})" if data.get("auto") else ""
    if type_ == "declared":
        return f"{who} declares {data.get('value')}{auto}"
    if type_ == "played":
        count = len(data.get("pieces", []))
        return f"{who} plays {count} ({data.get('play_type')}, {data.get('value')}){auto}"
    if type_ == "turn_won":
        return f"turn {data.get('turn')} won by {who} ({data.get('piles')} piles)"
    if type_ == "hands_dealt":
        short = str(data.get("commitment"))[:10]
        return f"round {data.get('round')} deal {data.get('deal')} (commitment {short}…)"
    if type_ == "round_scored":
        scores = ", ".join(
            f"{names.get(s['seat'], s['seat'])} {s['declared']}/{s['captured']} → {s['score']:+d}"
            for s in data.get("seats", [])
        )
        return f"round {data.get('round')} scored: {scores}"
    if type_ == "game_over":
        winners = ", ".join(names.get(s, str(s)) for s in data.get("winners", []))
        return f"winner(s): {winners}; totals {data.get('totals')}"
    if type_ == "redeal_decided":
        return f"{who} {'asks for' if data.get('accept') else 'declines'} a redeal{auto}"
    if type_ in ("seat_taken", "bot_added"):
        return f"seat {seat}: {data.get('name')}"
    if type_ == "seat_left":
        bot = " → bot" if data.get("replaced_by_bot") else ""
        return f"seat {seat} left ({data.get('reason')}){bot}"
    if type_ in ("player_away", "player_back", "bot_removed"):
        return f"seat {seat}"
    if type_ == "room_created":
        target = data.get("settings", {}).get("target_score")
        return f"{data.get('name')} [{data.get('code')}] target {target}"
    if type_ == "room_closed":
        return str(data.get("reason", ""))
    if type_ == "phase_changed":
        return f"{data.get('from')} → {data.get('to')}"
    if type_ == "deal_stands":
        return f"starter {names.get(data.get('starter'), data.get('starter'))}"
    if type_ == "redeal_offered":
        return f"weak seats {data.get('weak_seats')}"
    if type_ == "redeal_won":
        return f"{who} wins the redeal, multiplier ×{data.get('multiplier')}"
    if type_ == "round_started":
        return f"round {data.get('round')}"
    if type_ == "game_started":
        return f"players {', '.join(data.get('players', []))}, target {data.get('target_score')}"
    return ""


def _actor_label(actor: Any, players: dict[str, str]) -> str:
    if not actor or actor == "system":
        return "system"
    return players.get(str(actor), str(actor)[:8])


def room_timeline(*, room: Any, events: list[Any]) -> list[dict[str, Any]]:
    """Events and refused commands in order, each with actor, correlation id and a summary."""
    from games.models import Player, RejectedCommand

    actor_ids = {str(e.metadata.get("actor")) for e in events if e.metadata.get("actor")}
    rejections = list(RejectedCommand.objects.filter(room=room))
    actor_ids |= {str(r.player_id) for r in rejections if r.player_id}
    players = {
        str(pk): name
        for pk, name in Player.objects.filter(
            pk__in=[a for a in actor_ids if len(a) == 36]
        ).values_list("id", "name")
    }
    names: dict[int, str] = {}
    items: list[dict[str, Any]] = []
    for e in events:
        if e.type in ("seat_taken", "bot_added"):
            names[e.data["seat"]] = e.data.get("name") or f"seat {e.data['seat']}"
        elif e.type == "seat_left" and e.data.get("replaced_by_bot"):
            names[e.data["seat"]] = e.data.get("bot_name") or f"seat {e.data['seat']}"
        items.append(
            {
                "kind": "event",
                "version": e.version,
                "type": e.type,
                "at": e.recorded_at,
                "actor": _actor_label(e.metadata.get("actor"), players),
                "source": e.metadata.get("source", ""),
                "correlation_id": e.metadata.get("correlation_id") or "",
                "summary": _event_summary(e.type, e.data, dict(names)),
            }
        )
    for r in rejections:
        items.append(
            {
                "kind": "rejected",
                "version": r.at_version,
                "type": "command refused",
                "at": r.created_at,
                "actor": _actor_label(r.player_id, players),
                "source": "",
                "correlation_id": r.correlation_id,
                "summary": f"{r.command.get('command', '?')}: {r.code} — {r.message}",
            }
        )
    items.sort(key=lambda i: (i["version"], i["kind"] != "event", i["at"]))
    return items


def deal_checks(events: list[Any]) -> list[dict[str, Any]]:
    """The fairness check of every deal of a stream.

    ``pass``: the seed revealed in the round's ``round_scored`` hashes to the
    commitment published in ``hands_dealt`` and deals exactly those hands
    with the shuffle version the deal recorded (``verify_deal``; absent = 1).
    ``fail``: it does not. ``pending``: the round is not scored yet, so its
    seeds are still secret.
    """
    from games.engine import verify_deal

    revealed: dict[tuple[int, int, int], dict[str, Any]] = {}
    game = 0
    for e in events:
        if e.type == "game_started":
            game += 1
        elif e.type == "round_scored":
            for d in e.data.get("deals", []):
                revealed[(game, int(e.data["round"]), int(d["deal"]))] = d
    checks: list[dict[str, Any]] = []
    game = 0
    for e in events:
        if e.type == "game_started":
            game += 1
            continue
        if e.type != "hands_dealt":
            continue
        d = e.data
        key = (game, int(d["round"]), int(d.get("deal", 1)))
        reveal = revealed.get(key)
        # the shuffle the deal recorded; deals from before versions have none: 1
        shuffle = d.get("shuffle", 1)
        if reveal is None:
            status, seed = "pending", None
        else:
            seed = reveal.get("seed", "")
            ok = (
                reveal.get("commitment") == d["commitment"]
                and reveal.get("shuffle", 1) == shuffle
                and verify_deal(seed, d["commitment"], d["hands"], shuffle)
            )
            status = "pass" if ok else "fail"
        checks.append(
            {
                "version": e.version,
                "game": game,
                "round": key[1],
                "deal": key[2],
                "commitment": d["commitment"],
                "seed": seed,
                "shuffle": shuffle,
                "status": status,
            }
        )
    return checks


def _piece(kind: str) -> dict[str, Any]:
    from games.engine import GLYPHS, POINTS

    colour = kind.rsplit("_", 1)[1].lower()
    name = kind.rsplit("_", 1)[0].title()
    return {
        "kind": kind,
        "glyph": GLYPHS[kind],
        "points": POINTS[kind],
        "colour": colour,
        "label": f"{colour.title()} {name}",
    }


def replay_table(*, stream_id: str, version: int, events: list[Any]) -> dict[str, Any]:
    """The table at ``version``: every seat with its hand (staff see all four)."""
    from games.room_state import fold

    state = fold([e for e in events if e.version <= version])
    g = state.game
    seats = []
    for i, info in enumerate(state.seats):
        hand = g.hands[i] if i < len(g.hands) else ()
        seats.append(
            {
                "index": i,
                "name": info.name or "(empty)",
                "kind": "bot"
                if info.is_bot
                else ("away" if info.away else ("human" if info.player_id else "")),
                "hand": [_piece(k) for k in hand],
                "hand_points": sum(_piece(k)["points"] for k in hand),
                "declared": g.declarations[i] if i < len(g.declarations) else None,
                "captured": g.captured[i] if i < len(g.captured) else 0,
                "total": g.totals[i] if i < len(g.totals) else 0,
                "is_leader": g.leader == i,
                "is_starter": g.round_starter == i,
                "weak": i in g.weak_seats,
                "winner": i in g.winners,
            }
        )
    plays = [
        {
            "seat": p.seat,
            "name": seats[p.seat]["name"],
            "pieces": [_piece(k) for k in p.pieces],
            "play_type": p.play_type,
            "value": p.value,
        }
        for p in g.turn_plays
    ]
    last_turn = None
    if g.last_turn is not None:
        last_turn = {
            "turn": g.last_turn.turn,
            "winner": seats[g.last_turn.winner]["name"],
            "piles": g.last_turn.piles,
        }
    current = next((e for e in events if e.version == version), None)
    return {
        "version": state.version,
        "phase": str(g.phase),
        "status": state.status,
        "round": g.round_number,
        "turn": g.turn_number,
        "multiplier": g.multiplier,
        "target_score": g.target_score,
        "required_count": g.required_count,
        "seats": seats,
        "turn_plays": plays,
        "last_turn": last_turn,
        "event": {"type": current.type, "at": current.recorded_at} if current else None,
    }


def room_audit(*, room: Any, version: int | None = None) -> dict[str, Any]:
    """Everything the audit page shows for ``room`` (replay at ``version``)."""
    from eventstore.selectors import event_read, stream_verify

    events = event_read(stream_id=room.stream_id)
    head = events[-1].version if events else 0
    if version is None or version > head:
        version = head
    version = max(0, version)
    checks = deal_checks(events)
    verification = stream_verify(room.stream_id, replay_checks=False, events=events)
    types = Counter(e.type for e in events)
    return {
        "room": room,
        "head": head,
        "event_count": len(events),
        "type_counts": sorted(types.items()),
        "timeline": room_timeline(room=room, events=events),
        "rejected_count": sum(1 for _ in room.rejections.all()),
        "table": replay_table(stream_id=room.stream_id, version=version, events=events),
        "nav": {
            "first": 0 if head else None,
            "prev": version - 1 if version > 0 else None,
            "next": version + 1 if version < head else None,
            "last": head,
            "version": version,
        },
        "deals": checks,
        "deal_counts": Counter(c["status"] for c in checks),
        "chain": {"ok": verification.ok, "problems": verification.problems[:10]},
    }


def rooms_for_audit(*, query: str = "", limit: int = 50) -> list[Any]:
    """Rooms to pick from on the audit index (newest activity first)."""
    from django.db.models import Q

    from games.models import Room

    qs = Room.objects.order_by("-last_activity_at")
    if query:
        qs = qs.filter(Q(code__iexact=query.strip()) | Q(name__icontains=query.strip()))
    return list(qs[:limit])
