"""Thin staff-only views: parse the query, call a selector, draw charts, render.

Anonymous visitors are sent to the admin login (``staff_member_required``);
a logged-in user who is not staff gets 403 and a security event.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from liaptui.ops_auth import client_address
from monitoring.dashboards import charts, selectors
from monitoring.security import record_security_event

View = Callable[..., HttpResponse]


def staff_page(view: View) -> View:
    """Staff only: anonymous → admin login; logged-in non-staff → 403."""
    protected = staff_member_required(view, login_url="admin:login")

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            record_security_event(
                "access_denied",
                path=request.path,
                reason="staff only",
                address=client_address(request),
            )
            return render(request, "ops/denied.html", status=403)
        return protected(request, *args, **kwargs)

    return wrapper


def _range(request: HttpRequest) -> selectors.TimeRange:
    return selectors.time_range(request.GET.get("range"))


def _page(request: HttpRequest, template: str, section: str, **context: Any) -> HttpResponse:
    return render(
        request,
        template,
        {
            "section": section,
            "ranges": selectors.RANGES,
            **context,
        },
    )


@staff_page
def overview(request: HttpRequest) -> HttpResponse:
    return _page(request, "ops/overview.html", "overview", o=selectors.system_overview())


@staff_page
def performance(request: HttpRequest) -> HttpResponse:
    rng = _range(request)
    report = selectors.performance_report(rng=rng)
    s, lim = report["series"], report["thresholds"]
    common = {"since": rng.since, "until": rng.until}
    chart = {
        "ws": charts.line_chart(
            {"p50": s["ws"]["p50"], "p95": s["ws"]["p95"], "p99": s["ws"]["p99"]},
            title="WebSocket round trip (ms)",
            unit=" ms",
            bands=lim["websocket_latency_ms"],
            **common,
        ),
        "cmd": charts.line_chart(
            {"p50": s["cmd"]["p50"], "p95": s["cmd"]["p95"], "p99": s["cmd"]["p99"]},
            title="Command latency (ms)",
            unit=" ms",
            **common,
        ),
        "messages": charts.line_chart(
            {"in": s["messages"]["in"], "out": s["messages"]["out"]},
            title="WebSocket messages per second",
            unit="/s",
            **common,
        ),
        "errors": charts.line_chart(
            {"error rate": s["error_rate"]},
            title="Server error rate (%)",
            unit="%",
            bands=lim["error_rate_percent"],
            **common,
        ),
    }
    return _page(request, "ops/performance.html", "performance", rng=rng, p=report, chart=chart)


@staff_page
def resources(request: HttpRequest) -> HttpResponse:
    rng = _range(request)
    report = selectors.resources_history(rng=rng)
    lim = report["thresholds"]
    common = {"since": rng.since, "until": rng.until}
    hosts = report["by_host"] or {"": {}}  # one line per host; counters are per machine

    def per_host(key: str) -> dict[str, list]:
        return {host or key: series.get(key, []) for host, series in hosts.items()}

    network: dict[str, list] = {}
    for host, series in hosts.items():
        suffix = f" ({host})" if len(hosts) > 1 else ""
        network[f"received{suffix}"] = series.get("net_recv", [])
        network[f"sent{suffix}"] = series.get("net_sent", [])
    chart = {
        "cpu": charts.line_chart(
            per_host("cpu"),
            title="CPU (%)",
            unit="%",
            y_max=100,
            bands=lim["cpu_percent"],
            **common,
        ),
        "memory": charts.line_chart(
            per_host("memory"),
            title="Memory (%)",
            unit="%",
            y_max=100,
            bands=lim["memory_percent"],
            **common,
        ),
        "disk": charts.line_chart(
            per_host("disk"),
            title="Disk (%)",
            unit="%",
            y_max=100,
            bands=lim["disk_percent"],
            **common,
        ),
        "net": charts.line_chart(network, title="Network (bytes per second)", unit="B/s", **common),
    }
    return _page(request, "ops/resources.html", "resources", rng=rng, r=report, chart=chart)


@staff_page
def games(request: HttpRequest) -> HttpResponse:
    rng = _range(request)
    a = selectors.game_analytics(rng=rng)
    chart = {
        "hours": charts.bar_chart(
            [f"{h:02d}" for h in range(24)],
            a["popular"]["by_hour"],
            title="Games started by hour of day (UTC)",
            integer=True,
        ),
        "weekdays": charts.bar_chart(
            list(a["popular"]["weekdays"]),
            a["popular"]["by_weekday"],
            title="Games started by weekday",
            integer=True,
        ),
        "seats": charts.bar_chart(
            [f"Seat {s['seat']}" for s in a["seats"]],
            [s["win_rate"] for s in a["seats"]],
            unit="%",
            y_max=100,
            title="Win rate by seat",
            colour=charts.PALETTE[3],
        ),
        "rounds": charts.bar_chart(
            [str(k) for k, _ in a["rounds"]["histogram"]],
            [v for _, v in a["rounds"]["histogram"]],
            title="Games by number of rounds",
            colour=charts.PALETTE[4],
            integer=True,
        ),
    }
    return _page(request, "ops/games.html", "games", rng=rng, a=a, chart=chart)


@staff_page
def alerts(request: HttpRequest) -> HttpResponse:
    rng = _range(request)
    return _page(
        request,
        "ops/alerts.html",
        "alerts",
        rng=rng,
        a=selectors.alerts_report(rng=rng),
        now=selectors.system_overview()["alerts"],
    )


@staff_page
def rooms(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:40]
    return _page(
        request, "ops/rooms.html", "rooms", q=query, rooms=selectors.rooms_for_audit(query=query)
    )


@staff_page
def room_audit(request: HttpRequest, ref: str) -> HttpResponse:
    from games.selectors import room_by_ref

    room = room_by_ref(ref)
    if room is None:
        raise Http404("No such room.")
    try:
        version = int(request.GET["version"]) if "version" in request.GET else None
    except ValueError:
        version = None
    audit = selectors.room_audit(room=room, version=version)
    return _page(request, "ops/room_audit.html", "rooms", audit=audit, room=room)
