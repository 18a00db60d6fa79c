"""Token buckets per connection and per client address (per process).

Limits come from the levers, so staff can lower them without a restart.
"""

from __future__ import annotations

import time
from typing import Any

from monitoring.levers import Levers

_address_buckets: dict[str, list[float]] = {}


def _take(bucket: list[float], rate: int, now: float) -> bool:
    """bucket = [tokens, last_refill]; capacity equals one second of the rate."""
    tokens, last = bucket
    tokens = min(float(rate), tokens + (now - last) * rate)
    if tokens < 1.0:
        bucket[0], bucket[1] = tokens, now
        return False
    bucket[0], bucket[1] = tokens - 1.0, now
    return True


def allow_message(conn: Any, levers: Levers) -> str | None:
    """None when the message may pass, else the scope that refused it."""
    now = time.monotonic()
    bucket = getattr(conn, "_rate_bucket", None)
    if bucket is None:
        bucket = conn._rate_bucket = [float(levers.rate_limit_per_connection), now]
    if not _take(bucket, levers.rate_limit_per_connection, now):
        return "connection"
    address = getattr(conn, "address", "")
    abucket = _address_buckets.setdefault(address, [float(levers.rate_limit_per_address), now])
    if len(_address_buckets) > 10000:
        _address_buckets.clear()
    return None if _take(abucket, levers.rate_limit_per_address, now) else "address"
