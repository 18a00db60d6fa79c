"""Every reported value has a level: good below warn, warning up to crit, critical above."""

from __future__ import annotations

import pytest
from django.test import override_settings

from monitoring.thresholds import level, rated, worst

# (metric, good value, warning values, critical value) with the guide's defaults.
CASES = [
    ("websocket_latency_ms", 49.9, (50, 120, 200), 200.1),
    ("cpu_percent", 59.9, (60, 70, 80), 80.5),
    ("memory_percent", 69.9, (70, 80, 85), 85.1),
    ("error_rate_percent", 0.09, (0.1, 0.5, 1.0), 1.01),
    ("disk_percent", 79.9, (80, 85, 90), 90.1),
    ("connections_percent", 79.9, (80, 90, 95), 95.1),
]


@pytest.mark.parametrize(("metric", "good", "warnings", "critical"), CASES)
def test_levels_at_each_threshold(metric, good, warnings, critical) -> None:
    assert level(metric, 0) == "good"
    assert level(metric, good) == "good"
    for value in warnings:
        assert level(metric, value) == "warning", value
    assert level(metric, critical) == "critical"


def test_settings_thresholds_are_the_guides_defaults() -> None:
    from django.conf import settings

    assert settings.MONITORING_THRESHOLDS["websocket_latency_ms"] == (50, 200)
    assert settings.MONITORING_THRESHOLDS["cpu_percent"] == (60, 80)
    assert settings.MONITORING_THRESHOLDS["memory_percent"] == (70, 85)
    assert settings.MONITORING_THRESHOLDS["error_rate_percent"] == (0.1, 1.0)


def test_thresholds_follow_settings() -> None:
    with override_settings(MONITORING_THRESHOLDS={"cpu_percent": (10, 20)}):
        assert level("cpu_percent", 9) == "good"
        assert level("cpu_percent", 15) == "warning"
        assert level("cpu_percent", 21) == "critical"
        assert level("memory_percent", 71) == "warning"  # others keep their defaults


def test_no_data_is_good_and_unknown_metrics_are_refused() -> None:
    assert level("websocket_latency_ms", None) == "good"
    with pytest.raises(KeyError):
        level("no_such_metric", 1)


def test_rated_reports_value_level_and_thresholds() -> None:
    assert rated("cpu_percent", 75.0) == {
        "value": 75.0,
        "level": "warning",
        "thresholds": {"warning": 60.0, "critical": 80.0},
    }


def test_worst_level_wins() -> None:
    assert worst() == "good"
    assert worst("good", "warning") == "warning"
    assert worst("warning", "critical", "good") == "critical"
