"""Event store benchmark: appends per second, read + replay times.

    .venv/bin/python bench/eventstore.py                     # SQLite (temp file)
    .venv/bin/python bench/eventstore.py --database-url postgres://postgres@127.0.0.1:5432/liaptui

Standalone: it creates a scratch database (``liaptui_bench`` on the
PostgreSQL server named by the URL, or a SQLite file in a temp directory),
migrates it, measures and drops it. Durability is left as configured
(PostgreSQL synchronous_commit stays on; SQLite runs WAL with
synchronous=NORMAL, as in settings). Every append is its own committed
transaction, like a room command.

Figures:
* appends/s: commands of 1, 2, 3 events in rotation, to one stream and
  round-robin over many streams; plus the queries each append issues;
* read + replay of a 1,000-event stream, without and with a snapshot
  (generic fold);
* a typical finished game: a real game played by the engine's bots
  (games.engine, if importable), appended command by command, then rebuilt
  (read + replay) from scratch and from its latest snapshot.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "liaptui_bench"


def prepare_database(url: str | None) -> tuple[str, object]:
    """Point the environment at a fresh scratch database; return (label, cleanup)."""
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["MAINTENANCE_IN_PROCESS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "liaptui.settings"
    os.environ.pop("REDIS_URL", None)
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
            server = conn.execute("SHOW server_version").fetchone()[0]
            sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
            fsync = conn.execute("SHOW fsync").fetchone()[0]
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))

        def cleanup() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

        return f"PostgreSQL {server} (synchronous_commit={sync}, fsync={fsync})", cleanup
    tmp = tempfile.TemporaryDirectory(prefix="liaptui-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")

    def cleanup_sqlite() -> None:
        from django.db import connections

        connections.close_all()
        tmp.cleanup()

    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)", cleanup_sqlite


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def command_events(i: int, NewEvent) -> list:
    """1, 2 or 3 events shaped like game events (~150 bytes of data each)."""
    n = 1 + i % 3
    return [
        NewEvent(
            "played",
            {"seat": (i + k) % 4, "pieces": ["GENERAL_RED", "SOLDIER_BLACK"], "turn": i, "k": k},
            {"correlation_id": f"bench-{i}", "actor": "bench", "source": "bench"},
        )
        for k in range(n)
    ]


def floor_transaction():
    """The same write as an append with no Django and no store code: on
    PostgreSQL one autocommit statement that moves a head row and inserts two
    JSON rows (what the store sends per command); on SQLite a transaction with
    the same writes. The price of a durable commit on this machine."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    row = '{"seat": 1, "pieces": ["GENERAL_RED", "SOLDIER_BLACK"], "turn": 1, "k": 0}'
    if "postgresql" in db["ENGINE"]:
        import psycopg

        conn = psycopg.connect(
            dbname=db["NAME"],
            user=db["USER"],
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            autocommit=True,
        )
        conn.execute("CREATE TABLE IF NOT EXISTS bench_head (k text PRIMARY KEY, v int, h text)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, k text, v int, "
            "data jsonb, UNIQUE (k, v))"
        )
        conn.execute("INSERT INTO bench_head VALUES ('k', 0, '') ON CONFLICT DO NOTHING")

        def one(i: int) -> None:
            conn.execute(
                "WITH head AS (UPDATE bench_head SET v = v + 2, h = %s WHERE k = 'k' "
                "RETURNING v) INSERT INTO bench_rows (k, v, data) "
                "SELECT 'k', head.v - n, %s::jsonb FROM head, (VALUES (0), (1)) AS x(n)",
                ["x" * 64, row],
            )

        return one, conn.close
    import sqlite3

    conn = sqlite3.connect(db["NAME"], isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_head (k text PRIMARY KEY, v int, h text)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_rows (id integer PRIMARY KEY, k text, v int, data text)"
    )
    conn.execute("INSERT OR IGNORE INTO bench_head VALUES ('k', 0, '')")

    def one_sqlite(i: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE bench_head SET v = v + 2, h = ? WHERE k = 'k'", ["x" * 64])
        conn.executemany(
            "INSERT INTO bench_rows (k, v, data) VALUES ('k', ?, ?)",
            [(2 * i, row), (2 * i + 1, row)],
        )
        conn.execute("COMMIT")

    return one_sqlite, conn.close


def bench_appends(commands: int, streams: int, rounds: int = 5) -> None:
    """Interleaved rounds (one stream, many streams, bare floor) so the
    machine's background load hits all three alike; per-round medians."""
    from django.db import connection

    from eventstore.services import event_append
    from eventstore.types import NewEvent

    payloads = [command_events(i, NewEvent) for i in range(commands)]
    per_round = commands // rounds
    floor, close_floor = floor_transaction()
    version, versions = 0, [0] * streams
    one_us, many_us, floor_us = [], [], []
    events_one = events_many = 0
    for r in range(rounds):
        chunk = payloads[r * per_round : (r + 1) * per_round]
        t0 = time.perf_counter()
        for batch in chunk:
            version = event_append(stream_id="bench-one", events=batch, expected_version=version)[
                -1
            ].version
            events_one += len(batch)
        one_us.append((time.perf_counter() - t0) * 1e6 / len(chunk))
        t0 = time.perf_counter()
        for i, batch in enumerate(chunk):
            s = (r * per_round + i) % streams
            versions[s] = event_append(
                stream_id=f"bench-many-{s}", events=batch, expected_version=versions[s]
            )[-1].version
            events_many += len(batch)
        many_us.append((time.perf_counter() - t0) * 1e6 / len(chunk))
        t0 = time.perf_counter()
        for i in range(len(chunk)):
            floor(i)
        floor_us.append((time.perf_counter() - t0) * 1e6 / len(chunk))
    close_floor()
    done = per_round * rounds
    for label, us, events in (
        ("one stream:  ", one_us, events_one),
        (f"{streams} streams:", many_us, events_many),
    ):
        med = statistics.median(us)
        print(
            f"  appends, {label} {1e6 / med:7.0f} commands/s  {events / done * 1e6 / med:7.0f} "
            f"events/s  ({med:.0f} µs each; rounds {min(us):.0f}-{max(us):.0f} µs)"
        )
    med = statistics.median(floor_us)
    print(
        f"  the same write from the bare driver (no Django, no store): {1e6 / med:7.0f} /s "
        f"({med:.0f} µs; rounds {min(floor_us):.0f}-{max(floor_us):.0f} µs)"
    )
    print(f"  ({done} commands of 1-3 events each, {rounds} interleaved rounds, median round)")

    # Statements per append as Django executes them (psycopg's implicit BEGIN
    # and the COMMIT are not seen by execute_wrapper; SQLite's BEGIN is).
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        seen.append(sql.split()[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        event_append(stream_id="bench-one", events=payloads[1], expected_version=version)
    commit = " (autocommit: the statement is the transaction)" if len(seen) == 1 else " (+ COMMIT)"
    print(
        f"  statements per append (existing stream, 2 events): {len(seen)}: "
        f"{' + '.join(seen)}{commit}"
    )
    seen.clear()
    with connection.execute_wrapper(spy):
        event_append(stream_id="bench-new", events=payloads[0], expected_version=0)
    commit = " (autocommit: the statement is the transaction)" if len(seen) == 1 else " (+ COMMIT)"
    print(f"  statements per append (new stream): {len(seen)}: {' + '.join(seen)}{commit}")


def bench_threads(commands: int, threads: int, rounds: int = 3) -> None:
    """One process, several threads (each with its own connection, as the
    server's service threads have), each appending to its own rooms: the
    server's write pattern. Concurrent commits share the WAL flush."""
    import threading

    from django.db import connection

    from eventstore.services import event_append
    from eventstore.types import NewEvent

    payloads = [command_events(i, NewEvent) for i in range(commands)]
    results = []
    for r in range(rounds):
        per_thread = commands // threads
        barrier = threading.Barrier(threads + 1)

        def work(t: int, r: int, per_thread: int, barrier: threading.Barrier) -> None:
            versions: dict[str, int] = {}
            try:
                barrier.wait()
                for i in range(per_thread):
                    sid = f"bench-t{threads}-{r}-{t}-{i % 25}"
                    versions[sid] = event_append(
                        stream_id=sid,
                        events=payloads[t * per_thread + i],
                        expected_version=versions.get(sid, 0),
                    )[-1].version
            finally:
                connection.close()

        workers = [
            threading.Thread(target=work, args=(t, r, per_thread, barrier)) for t in range(threads)
        ]
        for w in workers:
            w.start()
        barrier.wait()
        t0 = time.perf_counter()
        for w in workers:
            w.join()
        results.append(per_thread * threads / (time.perf_counter() - t0))
    print(
        f"  appends, {threads} threads x 25 streams each, one process: "
        f"{statistics.median(results):7.0f} commands/s "
        f"(rounds {min(results):.0f}-{max(results):.0f})"
    )


def generic_fold(events, state=None):
    state = dict(state or {"count": 0, "by_type": {}, "last": None})
    by_type = dict(state["by_type"])
    for e in events:
        state["count"] += 1
        by_type[e.type] = by_type.get(e.type, 0) + 1
        state["last"] = e.data
    state["by_type"] = by_type
    return state


def bench_long_stream(repeat: int) -> None:
    from eventstore.selectors import event_read, snapshot_latest
    from eventstore.services import event_append, snapshot_save
    from eventstore.types import NewEvent

    sid, version, i = "bench-1000", 0, 0
    while version < 1000:
        batch = command_events(i, NewEvent)[: 1000 - version]
        version = event_append(stream_id=sid, events=batch, expected_version=version)[-1].version
        i += 1
    snapshot_save(
        stream_id=sid, version=950, state=generic_fold(event_read(stream_id=sid, to_version=950))
    )

    def without():
        return generic_fold(event_read(stream_id=sid))

    def with_snapshot():
        snap = snapshot_latest(sid)
        return generic_fold(event_read(stream_id=sid, after_version=snap.version), snap.state)

    assert without() == with_snapshot()
    read_only = median_ms(lambda: event_read(stream_id=sid), repeat)
    print(
        f"  1,000-event stream: read {read_only:.1f} ms; "
        f"read + replay {median_ms(without, repeat):.1f} ms "
        f"without snapshot, {median_ms(with_snapshot, repeat):.2f} ms with a snapshot at 950"
    )


def play_engine_game(seed: str):
    """Commands and their events for one full game by the engine's bots, or None."""
    try:
        from games.engine import (
            GameState,
            Phase,
            StartGame,
            StartNextRound,
            awaiting,
            decide,
            decision_view,
            evolve,
        )
        from games.engine.bots import choose_command
    except ImportError:
        return None
    state = GameState.initial()
    cmd = StartGame(seed=f"{seed}:start", target_score=50)
    commands, n = [], 0
    while True:
        events = decide(state, cmd)
        for e in events:
            state = evolve(state, e)
        commands.append(events)
        if state.phase is Phase.GAME_OVER:
            return commands
        n += 1
        aw = awaiting(state)
        if aw:
            cmd = choose_command(decision_view(state, aw[0]), "strategic", rng_seed=f"{seed}:{n}")
        else:
            cmd = StartNextRound(seed=f"{seed}:{n}")


def bench_game(repeat: int) -> None:
    from eventstore.selectors import event_read, snapshot_latest
    from eventstore.services import event_append, snapshot_save, stream_mark_finished
    from eventstore.types import NewEvent

    commands = play_engine_game("bench-game")
    if commands is None:
        print("  typical game: games.engine not importable; using 300 generic events")
        commands = [[e] for e in command_events(0, NewEvent) * 300][:300]
        engine = None
    else:
        from games.engine import Event as EngineEvent
        from games.engine import replay, state_from_dict, state_to_dict

        engine = (EngineEvent, replay, state_from_dict, state_to_dict)
    sid, version = "bench-game", 0
    t0 = time.perf_counter()
    for batch in commands:
        new = [
            NewEvent(e.type, e.data, {"correlation_id": "bench", "actor": "bot"}) if engine else e
            for e in batch
        ]
        version = event_append(stream_id=sid, events=new, expected_version=version)[-1].version
    append_ms = (time.perf_counter() - t0) * 1000
    stream_mark_finished(sid)

    if engine:
        EngineEvent, replay, state_from_dict, state_to_dict = engine
        from games.engine import evolve

        def rebuild():
            return replay(EngineEvent(e.type, e.data) for e in event_read(stream_id=sid))

        final = rebuild()
        snap_version = max(1, version - 20)
        snapshot_save(
            stream_id=sid,
            version=snap_version,
            state=state_to_dict(
                replay(
                    EngineEvent(e.type, e.data)
                    for e in event_read(stream_id=sid, to_version=snap_version)
                )
            ),
        )

        def from_snapshot():
            snap = snapshot_latest(sid)
            state = state_from_dict(snap.state)
            for e in event_read(stream_id=sid, after_version=snap.version):
                state = evolve(state, EngineEvent(e.type, e.data))
            return state

        assert state_to_dict(from_snapshot()) == state_to_dict(final)
        what = "real engine game (games.engine bots, target 50)"
    else:

        def rebuild():
            return generic_fold(event_read(stream_id=sid))

        from_snapshot = None
        what = "generic events"
    read = median_ms(lambda: event_read(stream_id=sid), repeat)
    full = median_ms(rebuild, repeat)
    line = (
        f"  typical finished game: {version} events in {len(commands)} commands ({what}); "
        f"appended in {append_ms:.0f} ms; rebuild (read + replay) {full:.1f} ms "
        f"(read alone {read:.1f} ms)"
    )
    if from_snapshot:
        line += f", from a snapshot 20 events back {median_ms(from_snapshot, repeat):.2f} ms"
    print(line)


def bench_archive(repeat: int) -> None:
    from eventstore.selectors import event_read, stream_verify
    from eventstore.services import stream_archive

    t0 = time.perf_counter()
    info = stream_archive("bench-game")
    archive_ms = (time.perf_counter() - t0) * 1000
    read = median_ms(lambda: event_read(stream_id="bench-game"), repeat)
    verify = median_ms(
        lambda: stream_verify("bench-game", replay_checks=False), max(3, repeat // 4)
    )
    print(
        f"  archive of that game: {archive_ms:.0f} ms, "
        f"{info.raw_bytes} -> {info.compressed_bytes} bytes "
        f"(ratio {info.raw_bytes / info.compressed_bytes:.1f}); read from archive {read:.1f} ms; "
        f"verify {verify:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="postgres://... (a scratch database liaptui_bench is created there); default SQLite",
    )
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--threads", type=int, nargs="*", default=[2, 4], help="thread counts for the threaded run"
    )
    args = parser.parse_args()

    label, cleanup = prepare_database(args.database_url)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"Event store benchmark on {label}")
        bench_appends(args.commands, args.streams)
        for threads in args.threads:
            bench_threads(args.commands, threads)
        bench_long_stream(args.repeat)
        bench_game(args.repeat)
        bench_archive(args.repeat)
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
