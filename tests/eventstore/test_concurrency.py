"""Real concurrent writers on PostgreSQL: every version written exactly
once, losers get ConcurrencyError, no gaps, no duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from eventstore.errors import ConcurrencyError
from eventstore.models import Event
from eventstore.selectors import event_read, stream_verify, stream_version
from eventstore.services import event_append
from eventstore.types import NewEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def assert_exactly_once(stream_id: str, won: list[list[int]]) -> None:
    final = stream_version(stream_id)
    written = sorted(v for batch in won for v in batch)
    assert written == list(range(1, final + 1)), "every version written exactly once, no gaps"
    events = event_read(stream_id=stream_id)
    assert [e.version for e in events] == written
    assert Event.objects.filter(stream_id=stream_id).count() == final
    # Each writer's batch is contiguous and carries its own marker.
    for batch in won:
        assert batch == list(range(batch[0], batch[0] + len(batch)))
    assert stream_verify(stream_id).ok


def test_threads_with_separate_connections_append_each_version_once():
    stream_id, writers, rounds = "race-threads", 6, 12
    barrier = threading.Barrier(writers)
    won: list[list[int]] = []
    conflicts: list[ConcurrencyError] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            for r in range(rounds):
                barrier.wait(timeout=20)
                # Round 0: everybody creates the stream at once; exactly one wins.
                expected = 0 if r == 0 else stream_version(stream_id)
                batch = [
                    NewEvent("Moved", {"writer": n, "round": r, "k": k}) for k in range(1 + n % 3)
                ]
                try:
                    stored = event_append(
                        stream_id=stream_id, events=batch, expected_version=expected
                    )
                except ConcurrencyError as exc:
                    with lock:
                        conflicts.append(exc)
                else:
                    assert [e.version for e in stored] == list(
                        range(expected + 1, expected + 1 + len(batch))
                    )
                    with lock:
                        won.append([e.version for e in stored])
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures
    assert conflicts, "writers racing on one version must produce conflicts"
    assert len(won) + len(conflicts) == writers * rounds
    assert sum(1 for batch in won if batch[0] == 1) == 1, "exactly one creator of the stream"
    for exc in conflicts:
        assert exc.stream_id == stream_id
    assert_exactly_once(stream_id, won)


CHILD = r"""
import json, os, sys
import django
django.setup()
from django.db import connection
from eventstore.errors import ConcurrencyError
from eventstore.selectors import stream_version
from eventstore.services import event_append
from eventstore.types import NewEvent

stream_id, n, attempts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
won, conflicts = [], 0
for a in range(attempts):
    expected = 0 if a == 0 else stream_version(stream_id)
    batch = [NewEvent("Moved", {"proc": n, "attempt": a, "k": k}) for k in range(1 + (n + a) % 3)]
    try:
        stored = event_append(stream_id=stream_id, events=batch, expected_version=expected)
        won.append([e.version for e in stored])
    except ConcurrencyError as exc:
        assert exc.stream_id == stream_id
        conflicts += 1
connection.close()
print(json.dumps({"won": won, "conflicts": conflicts}), flush=True)
"""


def test_separate_processes_append_each_version_once():
    stream_id, procs, attempts = "race-processes", 4, 40
    db = connection.settings_dict  # the test database
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DB_POOL_MAX_SIZE": "2", "LOG_LEVEL": "WARNING"}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, stream_id, str(n), str(attempts)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(procs)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:  # release them together
            child.stdin.write("go\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, _ = child.communicate(timeout=60)
            assert child.returncode == 0
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    won = [batch for r in results for batch in r["won"]]
    conflicts = sum(r["conflicts"] for r in results)
    assert conflicts >= procs - 1, "the simultaneous creation alone has procs - 1 losers"
    assert len(won) + conflicts == procs * attempts
    assert_exactly_once(stream_id, won)
