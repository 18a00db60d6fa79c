"""With Redis: figures are shared by several server processes; Redis and the
channel layer are critical components."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from monitoring import recorder, stats
from monitoring.security import recent_security_events, record_security_event
from monitoring.window import window

pytestmark = [pytest.mark.redis, pytest.mark.django_db, pytest.mark.usefixtures("fresh_window")]

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import django
django.setup()
from monitoring import recorder
from monitoring.security import record_security_event
from monitoring.window import window
for _ in range(40):
    recorder.ws_message("in", "play")
    recorder.ws_roundtrip(0.2)
recorder.request_done(ok=False)
record_security_event("bad_origin", origin="http://evil.example")
window.set_gauge("ws_conns", 1900)
window.flush()
"""


def run_child_process() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.monitoring.settings_namespace",
        "TEST_MONITORING_NAMESPACE": settings.MONITORING_NAMESPACE,
        "REDIS_URL": settings.REDIS_URL,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_two_processes_add_up_in_the_shared_window() -> None:
    for _ in range(60):
        recorder.ws_message("in", "play")
        recorder.ws_roundtrip(0.01)
    recorder.request_done(ok=True)
    run_child_process()
    totals = window.totals(60)
    assert totals["ws_in"] == 100
    assert totals["req"] == 2 and totals["req_err"] == 1
    latency = stats.latency_summary(window.totals(300), "rt")
    assert latency["count"] == 100
    assert latency["mean_ms"] == pytest.approx((60 * 10 + 40 * 200) / 100, abs=0.01)
    assert latency["p50_ms"] == pytest.approx(10, rel=0.2)
    assert latency["p99_ms"] == pytest.approx(200, rel=0.2)


def test_connection_usage_is_the_busiest_process_of_several(client: Client) -> None:
    recorder.ws_connected()
    try:
        run_child_process()  # a process with 1900 sockets of its 2000
        connections = client.get("/api/health/detailed").json()["connections"]
    finally:
        recorder.ws_disconnected()
    assert connections["processes_reporting"] == 2
    assert connections["busiest_process"] == 1900
    assert connections["usage"]["level"] == "warning"


def test_recent_security_events_come_from_every_process() -> None:
    record_security_event("access_denied", path="/api/system/stats")
    run_child_process()
    kinds = [event["kind"] for event in recent_security_events()]
    assert kinds[:2] == ["bad_origin", "access_denied"]


def test_health_checks_redis_and_the_channel_layer(client: Client) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "healthy"
    detailed = client.get("/api/health/detailed").json()["components"]
    assert detailed["redis"]["status"] == "up" and detailed["redis"]["critical"]
    assert detailed["channel_layer"]["status"] == "up" and detailed["channel_layer"]["critical"]
    assert (
        detailed["channel_layer"]["backend"]
        == settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[1]
    )
    assert detailed["cache"]["backend"] == "RedisCache"
    text = client.get("/api/health/metrics").content.decode()
    assert 'health_component_status{component="redis"} 1.0' in text


def test_health_is_503_when_redis_is_down(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/api/health")
    assert response.status_code == 503
    assert "redis" in response.json()["failing"]
    assert "127.0.0.1:1" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_health_check_page_includes_redis(client: Client) -> None:
    body = client.get("/ht/ready", HTTP_ACCEPT="application/json").json()
    assert any(name.startswith("Redis(") for name in body)
    assert all(value == "OK" for value in body.values()), body
