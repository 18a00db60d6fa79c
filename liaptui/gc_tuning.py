"""Garbage-collector settings for the long-running server process.

Measured with bench/ws_load.py (200 rooms, PostgreSQL + Redis): with
CPython's defaults the cyclic collector paused the event loop for 70-200 ms
every few seconds (full collections walking every object Django, Channels
and the room caches keep alive), and those pauses were most of the p99.
``gc.freeze()`` after start-up moves the import-time objects out of the
collector's reach, and a larger first-generation threshold makes young
collections rarer; see docs/performance.md for the figures.
"""

from __future__ import annotations

import gc

from django.core.exceptions import ImproperlyConfigured

DEFAULT_THRESHOLDS = (5000, 20, 100)


def parse_thresholds(value: str) -> tuple[int, int, int] | None:
    """``""`` -> the defaults, ``"off"`` -> None (CPython's own), ``"a,b,c"`` -> (a, b, c)."""
    value = value.strip()
    if not value:
        return DEFAULT_THRESHOLDS
    if value.lower() == "off":
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or int(parts[0]) == 0:
        raise ImproperlyConfigured(
            f"GC_THRESHOLDS={value!r}: give three integers like 5000,20,100 "
            "(the first above 0), or 'off'."
        )
    first, second, third = (int(p) for p in parts)
    return first, second, third


def tune_garbage_collector() -> tuple[int, int, int] | None:
    """Freeze what exists now and apply ``settings.GC_THRESHOLDS``; returns them."""
    from django.conf import settings

    thresholds = settings.GC_THRESHOLDS
    if thresholds is None:
        return None
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return thresholds
