"""A small rolling window of counts shared by every server process.

The JSON endpoints report "messages per second", latency percentiles and
error rates for the whole system, not for whichever process answered. Each
process adds its counts to an in-process batch (a dict increment under a
lock: cheap enough for the hot path) and a background thread flushes the
batch to shared storage at most once per ``FLUSH_INTERVAL`` seconds, into
10-second buckets that expire after ``RETENTION`` seconds.

Storage: with ``REDIS_URL`` set, one Redis hash per bucket, written with
``HINCRBY`` in a single pipeline (one round trip per flush, atomic across
processes). Without Redis, Django's default cache (local memory in the
embedded single-process setup) under a process lock.

Readers flush their own process's batch first, so a process always sees
its own counts immediately; other processes' counts arrive within about a
second. Recent-item lists (e.g. security events) ride the same flush, and
so do per-process gauges (``set_gauge``: e.g. this process's open sockets),
republished every flush with a timestamp so readers ignore dead processes.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import threading
import time
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache

BUCKET_SECONDS = 10
RETENTION = 15 * 60  # seconds a bucket lives in shared storage
FLUSH_INTERVAL = 1.0
RECENT_LIMIT = 100  # items kept per recent list
GAUGE_FRESH = 15.0  # seconds after which a process's gauge counts as gone


def namespace() -> str:
    return getattr(settings, "MONITORING_NAMESPACE", "liaptui:monitoring")


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def bucket_of(now: float) -> int:
    return int(now // BUCKET_SECONDS) * BUCKET_SECONDS


class _Redis:
    """Shared storage on Redis (hash per bucket, list per recent stream)."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1, decode_responses=True
        )

    def add(
        self,
        buckets: dict[int, dict[str, int]],
        recent: dict[str, list[dict]],
        gauges: dict[str, float] | None = None,
    ) -> None:
        ns = namespace()
        pipe = self.client.pipeline(transaction=False)
        for name, value in (gauges or {}).items():
            key = f"{ns}:g:{name}"
            pipe.hset(key, process_id(), json.dumps([value, time.time()]))
            pipe.expire(key, RETENTION)
        for bucket, counts in buckets.items():
            key = f"{ns}:w:{bucket}"
            for field, n in counts.items():
                pipe.hincrby(key, field, n)
            pipe.expire(key, RETENTION)
        for name, items in recent.items():
            key = f"{ns}:recent:{name}"
            pipe.lpush(key, *[json.dumps(item, default=str) for item in items])
            pipe.ltrim(key, 0, RECENT_LIMIT - 1)
            pipe.expire(key, RETENTION * 4)
        pipe.execute()

    def read(self, buckets: list[int]) -> list[dict[str, int]]:
        ns = namespace()
        pipe = self.client.pipeline(transaction=False)
        for bucket in buckets:
            pipe.hgetall(f"{ns}:w:{bucket}")
        return [{k: int(v) for k, v in row.items()} for row in pipe.execute()]

    def recent(self, name: str, limit: int) -> list[dict]:
        rows = self.client.lrange(f"{namespace()}:recent:{name}", 0, limit - 1)
        return [json.loads(row) for row in rows]

    def gauges(self, name: str) -> dict[str, list[float]]:
        rows = self.client.hgetall(f"{namespace()}:g:{name}")
        return {proc: json.loads(row) for proc, row in rows.items()}


class _Cache:
    """Shared storage on Django's default cache (one process in practice)."""

    lock = threading.Lock()

    def add(
        self,
        buckets: dict[int, dict[str, int]],
        recent: dict[str, list[dict]],
        gauges: dict[str, float] | None = None,
    ) -> None:
        ns = namespace()
        with self.lock:
            for name, value in (gauges or {}).items():
                key = f"{ns}:g:{name}"
                rows = cache.get(key) or {}
                rows[process_id()] = [value, time.time()]
                cache.set(key, rows, RETENTION)
            for bucket, counts in buckets.items():
                key = f"{ns}:w:{bucket}"
                row = cache.get(key) or {}
                for field, n in counts.items():
                    row[field] = row.get(field, 0) + n
                cache.set(key, row, RETENTION)
            for name, items in recent.items():
                key = f"{ns}:recent:{name}"
                rows = list(reversed(items)) + (cache.get(key) or [])
                cache.set(key, rows[:RECENT_LIMIT], RETENTION * 4)

    def read(self, buckets: list[int]) -> list[dict[str, int]]:
        ns = namespace()
        found = cache.get_many([f"{ns}:w:{b}" for b in buckets])
        return [dict(found.get(f"{ns}:w:{b}") or {}) for b in buckets]

    def recent(self, name: str, limit: int) -> list[dict]:
        return list(cache.get(f"{namespace()}:recent:{name}") or [])[:limit]

    def gauges(self, name: str) -> dict[str, list[float]]:
        return dict(cache.get(f"{namespace()}:g:{name}") or {})


class RollingWindow:
    """Per-process batch + shared 10-second buckets. See the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._recent: dict[str, list[dict]] = defaultdict(list)
        self._gauges: dict[str, float] = {}
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._storage: Any = None
        self._storage_key: str | None = None
        self.flush_failures = 0

    # -- writing (hot path) --------------------------------------------------
    def add(self, field: str, n: int = 1) -> None:
        bucket = bucket_of(time.time())
        with self._lock:
            self._pending[bucket][field] += n
        if self._pid != os.getpid():
            self._start_flusher()

    def add_many(self, counts: dict[str, int]) -> None:
        bucket = bucket_of(time.time())
        with self._lock:
            row = self._pending[bucket]
            for field, n in counts.items():
                row[field] += n
        if self._pid != os.getpid():
            self._start_flusher()

    def push_recent(self, name: str, item: dict) -> None:
        with self._lock:
            items = self._recent[name]
            items.append(item)
            del items[:-RECENT_LIMIT]
        if self._pid != os.getpid():
            self._start_flusher()

    def set_gauge(self, name: str, value: float) -> None:
        """This process's current value of ``name`` (published with every flush)."""
        self._gauges[name] = value
        if self._pid != os.getpid():
            self._start_flusher()

    # -- flushing ------------------------------------------------------------
    def storage(self) -> _Redis | _Cache:
        url = getattr(settings, "REDIS_URL", "") or ""
        key = f"{os.getpid()}:{url}"
        if self._storage is None or self._storage_key != key:
            self._storage = _Redis(url) if url else _Cache()
            self._storage_key = key
        return self._storage

    def _start_flusher(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            if self._pid:  # forked: the parent's batch is not ours to send twice
                self._pending.clear()
                self._recent.clear()
                self._gauges.clear()
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._thread = threading.Thread(
                target=self._run, name="monitoring-window-flusher", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(FLUSH_INTERVAL)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Send this process's batch to shared storage (keeps it on failure)."""
        with self._lock:
            if not self._pending and not self._recent and not self._gauges:
                return
            pending = {b: dict(row) for b, row in self._pending.items() if row}
            recent = {n: list(items) for n, items in self._recent.items() if items}
            gauges = dict(self._gauges)
            self._pending.clear()
            self._recent.clear()
        try:
            self.storage().add(pending, recent, gauges)
        except Exception:  # noqa: BLE001 - storage down: keep the batch, retry later
            self.flush_failures += 1
            with self._lock:
                oldest = bucket_of(time.time() - RETENTION)
                for bucket, row in pending.items():
                    if bucket >= oldest:
                        for field, n in row.items():
                            self._pending[bucket][field] += n
                for name, items in recent.items():
                    merged = items + self._recent[name]
                    self._recent[name] = merged[-RECENT_LIMIT:]

    def discard_pending(self) -> None:
        """Drop this process's unsent batch (tests use it between cases)."""
        with self._lock:
            self._pending.clear()
            self._recent.clear()

    # -- reading -------------------------------------------------------------
    def totals(self, seconds: int) -> dict[str, int]:
        """Summed counts of the buckets covering the last ``seconds`` (incl. current)."""
        self.flush()
        now_bucket = bucket_of(time.time())
        n = max(1, -(-seconds // BUCKET_SECONDS))
        buckets = [now_bucket - i * BUCKET_SECONDS for i in range(n)]
        total: dict[str, int] = defaultdict(int)
        for row in self.storage().read(buckets):
            for field, value in row.items():
                total[field] += value
        return dict(total)

    def gauge_values(self, name: str) -> dict[str, float]:
        """``{process: value}`` of every process that published ``name`` recently."""
        self.flush()
        oldest = time.time() - GAUGE_FRESH
        return {
            proc: float(value)
            for proc, (value, stamp) in self.storage().gauges(name).items()
            if stamp >= oldest
        }

    def recent(self, name: str, limit: int = RECENT_LIMIT) -> list[dict]:
        """Newest-first recent items of ``name`` from every process."""
        self.flush()
        return self.storage().recent(name, limit)


window = RollingWindow()
atexit.register(window.flush)
