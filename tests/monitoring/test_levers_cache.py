"""The levers never make requests wait on a dead database."""

from __future__ import annotations

import threading
import time

from monitoring import levers


def test_failed_read_keeps_last_levers_and_backs_off(monkeypatch) -> None:
    levers.forget_cached_levers()
    good = levers.Levers(read_only=True)
    monkeypatch.setattr(levers, "_load", lambda: (good, True))
    assert levers.current_levers() is good
    calls = []

    def failing():
        calls.append(1)
        return levers._defaults(), False

    monkeypatch.setattr(levers, "_load", failing)
    monkeypatch.setattr(levers, "_cached", (time.monotonic() - 1, good))  # expired
    assert levers.current_levers() is good  # last known value survives the failure
    assert levers.current_levers() is good and len(calls) == 1  # no retry during the backoff
    levers.forget_cached_levers()


def test_other_threads_keep_stale_value_while_one_refreshes(monkeypatch) -> None:
    levers.forget_cached_levers()
    old = levers.Levers(maintenance_mode=True)
    release = threading.Event()

    def slow():
        release.wait(5)
        return levers.Levers(), True

    monkeypatch.setattr(levers, "_load", slow)
    monkeypatch.setattr(levers, "_cached", (time.monotonic() - 1, old))
    refresher = threading.Thread(target=levers.current_levers)
    refresher.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert levers.current_levers() is old
    assert time.monotonic() - started < 0.5
    release.set()
    refresher.join(5)
    assert levers.current_levers().maintenance_mode is False
    levers.forget_cached_levers()
