"""Good / warning / critical levels for the figures ops staff watch.

Thresholds come from ``settings.MONITORING_THRESHOLDS`` as ``(warn, crit)``
pairs: a value below ``warn`` is good, from ``warn`` up to and including
``crit`` it is a warning, above ``crit`` it is critical. Metrics missing from
the setting fall back to ``DEFAULT_THRESHOLDS`` (the operations guide's table,
plus disk and connection usage).
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings

Level = Literal["good", "warning", "critical"]
LEVELS: tuple[Level, ...] = ("good", "warning", "critical")

DEFAULT_THRESHOLDS: dict[str, tuple[float, float]] = {
    "websocket_latency_ms": (50.0, 200.0),
    "cpu_percent": (60.0, 80.0),
    "memory_percent": (70.0, 85.0),
    "error_rate_percent": (0.1, 1.0),
    "disk_percent": (80.0, 90.0),
    "connections_percent": (80.0, 95.0),  # active connections / MAX_CONNECTIONS
}


def thresholds() -> dict[str, tuple[float, float]]:
    configured = getattr(settings, "MONITORING_THRESHOLDS", {}) or {}
    merged = dict(DEFAULT_THRESHOLDS)
    merged.update({name: (float(w), float(c)) for name, (w, c) in configured.items()})
    return merged


def level(metric: str, value: float | None) -> Level:
    """The level of ``value`` for ``metric`` (``None``, no data yet, is good)."""
    try:
        warn, crit = thresholds()[metric]
    except KeyError:
        raise KeyError(f"no thresholds for metric {metric!r}") from None
    if value is None:
        return "good"
    if value > crit:
        return "critical"
    if value >= warn:
        return "warning"
    return "good"


def worst(*levels: str) -> Level:
    """The most severe of some levels (good when given none)."""
    return max(levels, key=LEVELS.index, default="good")  # type: ignore[return-value]


def rated(metric: str, value: float | None, **extra: object) -> dict[str, object]:
    """``{"value": v, "level": ..., "thresholds": {...}}`` for a reported figure."""
    warn, crit = thresholds()[metric]
    return {
        "value": value,
        "level": level(metric, value),
        "thresholds": {"warning": warn, "critical": crit},
        **extra,
    }
