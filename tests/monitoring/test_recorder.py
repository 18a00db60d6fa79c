"""The recording API updates Prometheus metrics and the shared rolling window."""

from __future__ import annotations

import time

import pytest

from monitoring import metrics, recorder, stats
from monitoring.metrics import REGISTRY
from monitoring.window import window

pytestmark = pytest.mark.usefixtures("fresh_window")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_messages_are_counted_by_direction_and_type() -> None:
    before_in = sample("websocket_messages_total", direction="in", type="play")
    before_out = sample("websocket_messages_total", direction="out", type="state")
    for _ in range(7):
        recorder.ws_message("in", "play")
    for _ in range(3):
        recorder.ws_message("out", "state")
    assert sample("websocket_messages_total", direction="in", type="play") - before_in == 7
    assert sample("websocket_messages_total", direction="out", type="state") - before_out == 3
    totals = window.totals(60)
    assert totals["ws_in"] == 7 and totals["ws_out"] == 3


def test_connections_errors_events_rate_limits_and_recovery() -> None:
    opened = sample("websocket_connections_opened_total")
    here = sample("websocket_process_connections")
    recorder.ws_connected()
    recorder.ws_connected()
    recorder.ws_disconnected()
    recorder.error("protocol")
    recorder.error("internal")
    recorder.rate_limited("address")
    recorder.events_appended(5)
    recorder.events_appended(0)
    recorder.recovery_action("finish_overdue_turn", "ok")
    recorder.request_done(ok=True)
    recorder.request_done(ok=False)
    assert sample("websocket_connections_opened_total") - opened == 2
    assert sample("websocket_process_connections") - here == 1
    totals = window.totals(300)
    assert totals["ws_open"] == 2 and totals["ws_close"] == 1
    assert totals["err:protocol"] == 1 and totals["err:internal"] == 1
    assert totals["rl:address"] == 1
    assert totals["ev"] == 5
    assert totals["rec:finish_overdue_turn:ok"] == 1
    assert totals["req"] == 2 and totals["req_err"] == 1


def test_error_rate_counts_server_failures_over_operations() -> None:
    for _ in range(96):
        recorder.request_done(ok=True)
    recorder.request_done(ok=False)
    recorder.request_done(ok=False)
    recorder.ws_message("in", "play")
    recorder.ws_message("in", "play")
    recorder.error("internal")
    recorder.error("rule")  # the client's mistake: listed, not a server failure
    summary = stats.error_summary(window.totals(300), 300)
    assert summary["operations"] == 100
    assert summary["failures"] == 3
    assert summary["error_rate_percent"] == 3.0
    assert summary["level"] == "critical"
    assert summary["http"] == {"requests": 98, "failed": 2, "error_rate_percent": 2.041}
    assert summary["by_category"] == {"internal": 1, "rule": 1}


def test_latency_percentiles_are_close_to_the_recorded_values() -> None:
    for ms in range(1, 101):  # 1 ms .. 100 ms, evenly
        recorder.ws_roundtrip(ms / 1000)
    summary = stats.latency_summary(window.totals(300), "rt")
    assert summary["count"] == 100
    assert summary["mean_ms"] == pytest.approx(50.5, abs=0.01)
    assert summary["p50_ms"] == pytest.approx(50, rel=0.12)
    assert summary["p95_ms"] == pytest.approx(95, rel=0.12)
    assert summary["p99_ms"] == pytest.approx(99, rel=0.12)
    assert sample("websocket_roundtrip_seconds_count") >= 100


def test_commands_are_timed_with_outcome() -> None:
    before = sample("game_command_duration_seconds_count", command="play", outcome="rejected")
    recorder.command_timed("play", 0.004, ok=True)
    recorder.command_timed("play", 0.006, ok=False)
    assert (
        sample("game_command_duration_seconds_count", command="play", outcome="rejected") - before
        == 1
    )
    summary = stats.latency_summary(window.totals(300), "cmd")
    assert summary["count"] == 2 and summary["mean_ms"] == 5.0


def test_label_values_stay_bounded() -> None:
    recorder.ws_message("in", "weird type with spaces {}")
    assert sample("websocket_messages_total", direction="in", type="other") >= 1
    for i in range(200):
        recorder.error(f"made_up_{i}")
    categories = {s.labels["category"] for m in metrics.ERRORS.collect() for s in m.samples}
    assert len(categories) <= 65


def test_a_storage_failure_keeps_the_batch_for_the_next_flush(monkeypatch) -> None:
    window.flush()
    recorder.ws_message("in", "play")
    storage = window.storage()

    def down(*args, **kwargs):
        raise ConnectionError("storage down")

    monkeypatch.setattr(storage, "add", down)
    window.flush()
    monkeypatch.undo()
    assert window.totals(60).get("ws_in") == 1


def test_the_hot_path_costs_microseconds() -> None:
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        recorder.ws_message("in", "play")
    per_call_us = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for _ in range(n):
        recorder.ws_roundtrip(0.01)
    per_roundtrip_us = (time.perf_counter() - start) / n * 1e6
    print(f"ws_message {per_call_us:.2f} us/call, ws_roundtrip {per_roundtrip_us:.2f} us/call")
    assert per_call_us < 50 and per_roundtrip_us < 50
    assert window.totals(60)["ws_in"] == n
