"""Shape and figures of the health, metrics and ops endpoints.

The game figures come from a fake provider (the games app registers the real
one); the traffic figures from calls to the recording API in the test.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client

from monitoring import recorder, system
from monitoring.security import record_security_event

# Runs on both stages: SQLite + local memory, and PostgreSQL + Redis.
pytestmark = [
    pytest.mark.backends,
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_window", "no_celery_worker_needed"),
]


@pytest.fixture
def no_celery_worker_needed(monkeypatch) -> None:
    """No Celery worker runs during tests: report the in-process mode instead."""
    from monitoring import health

    monkeypatch.setattr(
        health, "check_celery", lambda: {"status": "in-process", "latency_ms": 0.0, "workers": 0}
    )


def fake_usage(cpu: float = 12.0, memory: float = 40.0, disk: float = 30.0) -> dict[str, Any]:
    return {
        "cpu_percent": cpu,
        "cpu_count": 2,
        "load_average": [0.1, 0.2, 0.3],
        "memory_percent": memory,
        "memory_total_bytes": 8 << 30,
        "memory_available_bytes": 4 << 30,
        "disk_percent": disk,
        "disk_free_bytes": 70 << 30,
        "disk_total_bytes": 100 << 30,
        "process": {
            "pid": 1,
            "cpu_percent": 1.0,
            "memory_rss_bytes": 1 << 26,
            "threads": 4,
            "open_files": 9,
        },
    }


@pytest.fixture
def usage(monkeypatch) -> dict[str, Any]:
    values = fake_usage()
    monkeypatch.setattr(system, "resource_usage", lambda: dict(values))
    return values


def play_some_traffic() -> None:
    """What "the game" did in these tests: 2 connections, 30 in / 45 out messages, ..."""
    recorder.ws_connected()
    recorder.ws_connected()
    for _ in range(30):
        recorder.ws_message("in", "play")
        recorder.ws_roundtrip(0.020)
        recorder.command_timed("play", 0.008, ok=True)
    for _ in range(45):
        recorder.ws_message("out", "state")
    recorder.error("rule")
    recorder.error("protocol")
    recorder.rate_limited("connection")
    recorder.events_appended(30)
    recorder.recovery_action("finish_overdue_turn", "ok")
    for _ in range(10):
        recorder.request_done(ok=True)


# --- /api/health ---------------------------------------------------------------


def test_health_is_open_and_healthy(client: Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_unhealthy_when_the_database_is_down(client: Client, monkeypatch) -> None:
    from monitoring import health

    class DeadConnection:
        vendor = "sqlite"

        def cursor(self):
            raise OperationalError("could not connect to server at secret-host:5432")

    monkeypatch.setattr(health, "connection", DeadConnection())
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy" and body["failing"] == ["database"]
    assert "secret-host" not in response.content.decode()


# --- /api/health/detailed ---------------------------------------------------------


def test_detailed_health_reports_everything_with_levels(
    client: Client, usage, game_provider
) -> None:
    play_some_traffic()
    response = client.get("/api/health/detailed")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "good"
    assert body["uptime_seconds"] >= 0 and body["started_at"].endswith("Z")
    assert body["resources"]["cpu"]["value"] == 12.0 and body["resources"]["cpu"]["level"] == "good"
    assert body["resources"]["memory"]["level"] == "good"
    assert body["resources"]["disk"]["level"] == "good"
    connections = body["connections"]
    assert connections["active"] == 6 and connections["limit_per_process"] == 2000
    assert connections["processes_reporting"] == 1
    assert connections["busiest_process"] == recorder.process_connections() >= 2
    assert connections["usage"]["level"] == "good"
    assert body["connections"]["opened_last_minute"] == 2
    assert body["rooms_active"] == 3
    assert body["error_rates"]["operations"] == 40  # 10 requests + 30 inbound messages
    assert body["error_rates"]["failures"] == 0 and body["error_rates"]["level"] == "good"
    assert body["error_rates"]["by_category"] == {"protocol": 1, "rule": 1}
    assert body["websocket_latency"]["count"] == 30
    assert body["websocket_latency"]["mean_ms"] == 20.0
    assert body["websocket_latency"]["p95_ms"] == pytest.approx(20, rel=0.2)
    assert body["websocket_latency"]["level"] == "good"
    assert body["messages_per_second"]["messages"] == {"in": 30, "out": 45}
    assert body["messages_per_second"]["total"] == 1.25
    components = body["components"]
    assert set(components) == {
        "database",
        "cache",
        "redis",
        "channel_layer",
        "celery",
        "event_store",
        "disk",
    }
    for name, result in components.items():
        assert "status" in result and "latency_ms" in result, name
    assert components["database"]["status"] == "up" and components["database"]["critical"]
    assert components["cache"]["status"] == "up"
    assert components["channel_layer"]["status"] == "up"
    assert components["event_store"]["status"] == "up"


def test_detailed_health_goes_warning_then_critical(
    client: Client, monkeypatch, game_provider
) -> None:
    monkeypatch.setattr(system, "resource_usage", lambda: fake_usage(cpu=70.0))
    body = client.get("/api/health/detailed").json()
    assert body["resources"]["cpu"]["level"] == "warning" and body["status"] == "warning"

    monkeypatch.setattr(system, "resource_usage", lambda: fake_usage(memory=90.0))
    body = client.get("/api/health/detailed").json()
    assert body["resources"]["memory"]["level"] == "critical" and body["status"] == "critical"

    monkeypatch.setattr(system, "resource_usage", lambda: fake_usage())
    for _ in range(20):
        recorder.ws_roundtrip(0.5)  # 500 ms round trips
    body = client.get("/api/health/detailed").json()
    assert body["websocket_latency"]["level"] == "critical" and body["status"] == "critical"


def test_connection_usage_level_follows_the_busiest_process(client: Client, usage) -> None:
    from monitoring.window import window

    window.set_gauge("ws_conns", 1700)  # this process, against the limit of 2000
    body = client.get("/api/health/detailed").json()
    assert body["connections"]["busiest_process"] == 1700
    assert body["connections"]["usage"]["value"] == 85.0
    assert body["connections"]["usage"]["level"] == "warning" and body["status"] == "warning"
    window.set_gauge("ws_conns", 1950)
    body = client.get("/api/health/detailed").json()
    assert body["connections"]["usage"]["level"] == "critical" and body["status"] == "critical"


def test_detailed_health_error_rate_level(client: Client, usage) -> None:
    for _ in range(995):
        recorder.request_done(ok=True)
    for _ in range(5):
        recorder.request_done(ok=False)
    body = client.get("/api/health/detailed").json()
    assert body["error_rates"]["error_rate_percent"] == 0.5
    assert body["error_rates"]["level"] == "warning"
    assert body["status"] == "warning"


def test_detailed_health_leaks_no_secrets(client: Client, usage, settings) -> None:
    settings.OPS_API_TOKEN = "very-secret-ops-token-1234567890"
    text = client.get("/api/health/detailed").content.decode()
    assert settings.SECRET_KEY not in text
    assert "very-secret-ops-token" not in text
    assert "postgres://" not in text and "redis://" not in text


# --- /api/health/metrics -------------------------------------------------------------


def metric_lines(text: str) -> dict[str, float]:
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def test_metrics_prometheus_text_with_the_documented_names(client: Client, game_provider) -> None:
    play_some_traffic()
    record_security_event("access_denied", path="/x", reason="test")
    response = client.get("/api/health/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "# HELP active_connections Number of active WebSocket connections" in text
    assert "# TYPE active_connections gauge" in text
    assert "# HELP game_rooms_active Number of active game rooms" in text
    assert "# TYPE game_rooms_active gauge" in text
    for family, kind in [
        ("game_rooms_by_phase", "gauge"),
        ("websocket_messages_total", "counter"),
        ("websocket_roundtrip_seconds", "histogram"),
        ("game_command_duration_seconds", "histogram"),
        ("errors_total", "counter"),
        ("events_appended_total", "counter"),
        ("rate_limit_hits_total", "counter"),
        ("security_events_total", "counter"),
        ("recovery_actions_total", "counter"),
        ("connection_limit", "gauge"),
        ("system_cpu_percent", "gauge"),
        ("system_memory_percent", "gauge"),
        ("system_disk_percent", "gauge"),
        ("health_status", "gauge"),
    ]:
        assert f"# TYPE {family} {kind}" in text, family
    values = metric_lines(text)
    assert values["active_connections"] == 6
    assert values["game_rooms_active"] == 3
    assert values['game_rooms_by_phase{phase="TURN"}'] == 1
    assert values['game_rooms_by_phase{phase="SCORING"}'] == 0
    assert values['players_seated{kind="bot"}'] == 2
    assert values["connection_limit"] == 2000
    assert values["health_status"] == 1
    assert values['websocket_messages_total{direction="in",type="play"}'] >= 30
    assert values['security_events_total{kind="access_denied"}'] >= 1
    assert values['recovery_actions_total{action="finish_overdue_turn",outcome="ok"}'] >= 1


def test_metrics_connection_limit_follows_the_setting(client: Client, settings) -> None:
    settings.LIAPTUI = {**settings.LIAPTUI, "MAX_CONNECTIONS": 750}
    values = metric_lines(client.get("/api/health/metrics").content.decode())
    assert values["connection_limit"] == 750


def test_metrics_still_answer_when_the_game_figures_fail(client: Client) -> None:
    from monitoring import providers

    previous = providers.registered_game_stats_provider()

    def broken() -> dict:
        raise OperationalError("db gone")

    providers.register_game_stats_provider(broken)
    try:
        response = client.get("/api/health/metrics")
    finally:
        providers.register_game_stats_provider(previous)
    values = metric_lines(response.content.decode())
    assert response.status_code == 200
    assert values["game_stats_available"] == 0
    assert "game_rooms_active" not in values  # absent, not a misleading zero


def test_django_prometheus_keeps_serving_metrics(client: Client) -> None:
    text = client.get("/metrics").content.decode()
    assert "django_http_requests" in text


# --- /api/system/stats and /api/debug/room-stats ------------------------------------


def test_system_stats_figures_match_what_happened(
    client: Client, usage, game_provider, ops_headers
) -> None:
    play_some_traffic()
    record_security_event("rate_limited", scope="connection", address="10.0.0.9")
    response = client.get("/api/system/stats", **ops_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["server"]["resources"]["cpu"]["value"] == 12.0
    assert body["server"]["resources"]["process"]["pid"] == 1
    assert body["server"]["database"]["status"] == "up"
    conn = body["connections"]
    assert (
        conn["active"],
        conn["limit_per_process"],
        conn["humans_seated"],
        conn["bots_seated"],
    ) == (
        6,
        2000,
        7,
        2,
    )
    assert conn["humans_disconnected"] == 1 and conn["opened_last_minute"] == 2
    rooms = body["rooms"]
    assert rooms["active"] == 3 and rooms["by_phase"]["DECLARATION"] == 1
    assert rooms["by_status"] == {"open": 1, "playing": 2, "finished": 1, "closed": 0}
    assert rooms["average_game_duration_seconds"] == 1234.5
    perf = body["performance"]
    assert perf["messages_per_second"]["in"] == 0.5  # 30 messages over 60 s
    assert perf["messages_per_second"]["out"] == 0.75
    assert perf["websocket_roundtrip"]["count"] == 30
    assert perf["websocket_roundtrip"]["p50_ms"] == pytest.approx(20, rel=0.2)
    assert perf["command_latency"]["count"] == 30 and perf["command_latency"]["mean_ms"] == 8.0
    assert perf["events_appended"] == 30
    assert perf["recovery_actions"] == {"finish_overdue_turn:ok": 1}
    errors = body["errors"]
    assert errors["by_category"] == {"protocol": 1, "rule": 1}
    assert errors["rate_limited"] == {"connection": 1}
    assert errors["security_events"] == {"rate_limited": 1}
    assert errors["recent_security_events"][0]["kind"] == "rate_limited"
    assert errors["recent_security_events"][0]["details"]["address"] == "10.0.0.9"
    assert isinstance(body["event_store"], dict) and "error" not in body["event_store"]


def test_room_stats_lists_rooms_players_bots_and_phases(
    client: Client, game_provider, ops_headers
) -> None:
    body = client.get("/api/debug/room-stats", **ops_headers).json()
    assert body["rooms_active"] == 3
    assert body["phase_distribution"]["TURN"] == 1 and body["phase_distribution"]["WAITING"] == 1
    assert body["status_distribution"]["playing"] == 2
    assert body["players"] == {
        "humans_seated": 7,
        "bots_seated": 2,
        "humans_disconnected": 1,
        "connections_active": 6,
    }
    assert body["average_game_duration_seconds"] == 1234.5
    assert [room["code"] for room in body["rooms"]] == ["ABCD", "EFGH", "IJKL"]
    first = body["rooms"][0]
    assert first["phase"] == "TURN" and first["humans"] == 2 and first["bots"] == 2
    assert first["seats"][2] == {
        "seat": 2,
        "name": "Bob",
        "is_bot": False,
        "connected": False,
        "bot_controlled": True,
    }


# --- access control ---------------------------------------------------------------

OPS_PATHS = ["/api/system/stats", "/api/debug/room-stats"]
OPEN_PATHS = ["/api/health", "/api/health/detailed", "/api/health/metrics", "/ht/live"]


@pytest.mark.parametrize("path", OPEN_PATHS)
def test_health_and_metrics_are_open(client: Client, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", OPS_PATHS)
def test_ops_endpoints_refuse_anonymous_with_401_and_count_it(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = client.get("/api/system/stats", HTTP_AUTHORIZATION="Bearer wrong").json()
    assert body["status"] in (401, 403)
    from monitoring.security import recent_security_events

    recent = recent_security_events()
    assert recent[0]["kind"] == "access_denied"
    assert {e["details"]["path"] for e in recent} >= {path}


@pytest.mark.parametrize("path", OPS_PATHS)
def test_ops_endpoints_refuse_non_staff_and_wrong_tokens_with_403(
    client: Client, path: str, ops_token: str
) -> None:
    assert client.get(path, HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 403
    user = User.objects.create_user("player", password="pw-123-long-enough")
    client.force_login(user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", OPS_PATHS)
def test_ops_endpoints_admit_staff_and_the_ops_token(
    client: Client, path: str, ops_headers
) -> None:
    assert client.get(path, **ops_headers).status_code == 200
    staff = User.objects.create_user("ops", password="pw-123-long-enough", is_staff=True)
    client.force_login(staff)
    assert client.get(path).status_code == 200


def test_denials_are_counted_as_security_events(client: Client) -> None:
    from monitoring.metrics import REGISTRY

    before = REGISTRY.get_sample_value("security_events_total", {"kind": "access_denied"}) or 0
    client.get("/api/debug/room-stats")
    after = REGISTRY.get_sample_value("security_events_total", {"kind": "access_denied"})
    assert after == before + 1
