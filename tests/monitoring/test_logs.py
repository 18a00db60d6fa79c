"""Log lines are one JSON object in the documented shape, with correlation ids."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from monitoring.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"timestamp", "level", "correlation_id", "category", "event", "room_id", "details"}

SCRIPT = r"""
import django, logging
django.setup()
from liaptui.correlation import bound_correlation_id
from liaptui.logging_setup import get_logger
with bound_correlation_id("cid-42", room_id="ROOM_XYZ"):
    get_logger("game_event").info("phase_change", from_phase="DECLARATION", to_phase="TURN")
    get_logger("websocket").info("connect", details={"seat": 1})
    get_logger("performance").warning("slow_operation", duration_ms=612.5)
    get_logger("security").warning("rate_limited", scope="connection")
    try:
        1 / 0
    except ZeroDivisionError:
        get_logger("error").exception("command_failed", command="play")
logging.getLogger("django.request").error("plain stdlib line")
"""


def run_logging_script(script: str) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh interpreter with the embedded settings at INFO."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "liaptui.settings", "LOG_LEVEL": "INFO"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.setdefault("SECRET_KEY", "x" * 50)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_every_category_logs_one_json_object_per_line_to_stdout() -> None:
    done = run_logging_script(SCRIPT)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [line["category"] for line in lines] == [
        "game_event",
        "websocket",
        "performance",
        "security",
        "error",
        "error",
    ]
    for line in lines[:4]:
        assert set(line) == KEYS, line
        assert line["correlation_id"] == "cid-42" and line["room_id"] == "ROOM_XYZ"
    assert lines[0]["event"] == "phase_change" and lines[0]["level"] == "INFO"
    assert lines[0]["details"]["to_phase"] == "TURN"
    assert lines[1]["details"]["seat"] == 1
    assert lines[2]["level"] == "WARNING" and lines[2]["details"]["duration_ms"] == 612.5
    error = lines[4]
    assert set(error) == KEYS | {"exception"}
    assert error["level"] == "ERROR" and "ZeroDivisionError" in error["exception"]
    assert "Traceback" in error["exception"]
    stdlib = lines[5]
    assert set(stdlib) == KEYS and stdlib["correlation_id"] is None
    assert lines[0]["timestamp"].endswith("Z")


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line, formatted exactly as the stdout handler formats it."""
    root = logging.getLogger()
    formatter = next(h.formatter for h in root.handlers if h.formatter is not None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines_of(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def with_request_metrics(**extra):
    middleware = list(settings.MIDDLEWARE)
    if "monitoring.middleware.RequestMetricsMiddleware" not in middleware:
        at = middleware.index("liaptui.correlation.CorrelationIdMiddleware") + 1
        middleware.insert(at, "monitoring.middleware.RequestMetricsMiddleware")
    return override_settings(
        MIDDLEWARE=middleware, ROOT_URLCONF="tests.monitoring.urls_boom", **extra
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_window")
def test_slow_requests_are_logged_with_the_request_correlation_id(captured_logs) -> None:
    with with_request_metrics(SLOW_REQUEST_MS=0):
        response = Client().get("/test/fine", HTTP_X_CORRELATION_ID="req-corr-7")
    assert response.status_code == 200
    slow = [line for line in lines_of(captured_logs) if line["event"] == "slow_request"]
    assert len(slow) == 1
    assert set(slow[0]) == KEYS
    assert slow[0]["category"] == "performance"
    assert slow[0]["correlation_id"] == "req-corr-7"
    assert slow[0]["details"]["path"] == "/test/fine" and slow[0]["details"]["status"] == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_window")
def test_a_failing_request_is_logged_with_stack_trace_and_counted(captured_logs) -> None:
    from monitoring.window import window

    errors_before = REGISTRY.get_sample_value("errors_total", {"category": "http"}) or 0
    with with_request_metrics():
        client = Client(raise_request_exception=False)
        assert client.get("/test/fine").status_code == 200
        response = client.get("/test/boom", HTTP_X_CORRELATION_ID="req-corr-9")
        client.get("/api/health")  # probes are not counted in the error rate
    assert response.status_code == 500
    ours = [line for line in lines_of(captured_logs) if line["event"] == "unhandled_exception"]
    assert len(ours) == 1
    line = ours[0]
    assert set(line) == KEYS | {"exception"}
    assert line["category"] == "error" and line["level"] == "ERROR"
    assert line["correlation_id"] == "req-corr-9"
    assert "ZeroDivisionError: boom for the test" in line["exception"]
    assert line["details"]["path"] == "/test/boom"
    assert REGISTRY.get_sample_value("errors_total", {"category": "http"}) == errors_before + 1
    totals = window.totals(60)
    assert totals["req"] == 2 and totals["req_err"] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_window")
async def test_the_middleware_works_in_an_async_stack() -> None:
    from django.test import AsyncClient

    from monitoring.window import window

    with with_request_metrics():
        response = await AsyncClient().get("/test/fine")
    assert response.status_code == 200
    assert window.totals(60)["req"] == 1


SHUTDOWN_SCRIPT = r"""
import asyncio, django, logging
django.setup()
log = logging.getLogger("channels_redis.pubsub")
for exc in (asyncio.CancelledError(), RuntimeError("redis went away")):
    try:
        raise exc
    except BaseException:
        log.exception("Unexpected exception while cleaning-up channel:")
"""


def test_a_cancelled_channel_cleanup_at_shutdown_is_info_but_a_real_failure_stays_error() -> None:
    done = run_logging_script(SHUTDOWN_SCRIPT)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    levels = [(line["level"], "CancelledError" in line.get("exception", "")) for line in lines]
    assert levels == [("INFO", True), ("ERROR", False)]
