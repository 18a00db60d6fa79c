"""WebSocket load: N rooms × 4 real WebSocket clients playing with bot logic at a set pace.

Each room has four human players (four sessions from ``POST /api/players``):
the host creates the room, the three others take seats, the host starts. Every
client runs the strategic bot on its *own* view and, when it is awaited, acts
after ``--pace`` seconds (default 1 s, so each room acts about once per
second); at game over the host starts the next game.

Measured: action→all-four-delivered latency, i.e. from sending an action to
the moment all four clients of the room have received a ``state`` with
version ≥ the version in its ``ack`` (computed from receive timestamps, so it
includes the client process's own scheduling delay). Printed: p50/p95/p99/max,
actions/s, errors (``error`` frames, failed connections, sockets closed
during the run, requests without reply, actions never delivered to all four).

``--ramp-up S`` (default 0): hosts start their first games at random moments
of the first S seconds and only actions sent after that are measured, for
``--duration`` seconds more. With 0, every host starts within the first pace
interval and everything is measured: the rooms then move nearly in step, so
their rounds end (scoring, the next deal) within the same few seconds; the
ramp-up measures the steady state of rooms that are out of step, as real
rooms are. The output also gives the p99 of each 10-second slice, which
shows such bursts.

Targets must be local (127.0.0.1/localhost). All clients come from one
address, so the server's per-address limit (``WS_RATE_LIMIT_PER_ADDRESS``,
60 msgs/s by default) must be raised for any real load: ``--spawn`` does that.

    # against a running server (started with WS_RATE_LIMIT_PER_ADDRESS=100000)
    python bench/ws_load.py --url http://127.0.0.1:5050 --rooms 50 --duration 30

    # one command: create/migrate the database, start daphne, run, stop
    python bench/ws_load.py --spawn \\
        --database-url postgres://postgres@127.0.0.1:5432/liaptui_bench \\
        --redis-url redis://127.0.0.1:6379/14 --rooms 200 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Client,
    bot_message,
    check_local,
    create_player,
    create_room,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parent.parent
ROOM_SETTINGS = {
    "target_score": 50,
    "action_time_limit": 0,
    "bot_delay": 1.0,
    "turn_pause": 0,
    "round_pause": 0,
    "redeal_window": 30,
}


@dataclass
class Stats:
    actions: list[tuple[int, int, float, float]] = field(
        default_factory=list
    )  # (room, acked version, sent at, ack received at)
    refused: dict[str, int] = field(default_factory=dict)  # error replies by code
    timeouts: int = 0
    connect_failures: int = 0
    setup_failures: list[str] = field(default_factory=list)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


# --- set-up ------------------------------------------------------------------------


async def setup_room(
    index: int, urls: list[str], pool: ThreadPoolExecutor, sem: asyncio.Semaphore, stats: Stats
) -> list[Client] | None:
    loop = asyncio.get_running_loop()
    async with sem:
        try:
            clients = []
            for seat in range(4):
                url = urls[(index * 4 + seat) % len(urls)]  # spread like a load balancer would
                session = await loop.run_in_executor(pool, create_player, url, f"R{index}S{seat}")
                clients.append(Client(url, f"r{index}s{seat}", session, keep_frames=False))
            room = await loop.run_in_executor(
                pool,
                lambda: create_room(
                    clients[0].base_url,
                    clients[0].session,
                    name=f"Load {index}",
                    settings=ROOM_SETTINGS,
                ),
            )
            for c in clients:
                try:
                    await c.connect(room["code"], timeout=30)
                except Exception:
                    stats.connect_failures += 1
                    raise
                await c.wait_for(lambda c=c: c.state is not None, 30, "first state")
            for seat, c in enumerate(clients[1:], start=1):
                reply = await c.request({"type": "take_seat", "seat": seat}, timeout=30)
                if reply["type"] != "ack":
                    raise RuntimeError(f"take_seat: {reply}")
            return clients
        except Exception as exc:  # noqa: BLE001 - counted and reported
            stats.setup_failures.append(f"room {index}: {exc!r}")
            return None


# --- play ---------------------------------------------------------------------------


async def player(
    room: int,
    client: Client,
    is_host: bool,
    stats: Stats,
    pace: float,
    stop_at: float,
    ramp_up: float = 0.0,
) -> None:
    acted = -1
    # Rooms act at the same rate but not in lockstep: each host starts its
    # first game at a random moment of the first pace interval, or of the
    # ramp-up (real rooms do not all start within the same second).
    if is_host:
        await asyncio.sleep(random.uniform(0, max(pace, ramp_up)))
    while time.monotonic() < stop_at and not client.closed:
        st = client.state
        due = (
            st is not None
            and st["version"] > acted
            and (client.my_turn() or (is_host and client.game["phase"] in ("WAITING", "GAME_OVER")))
        )
        if not due:
            client.changed.clear()
            try:
                await asyncio.wait_for(
                    client.changed.wait(), max(0.01, min(1.0, stop_at - time.monotonic()))
                )
            except TimeoutError:
                pass
            continue
        await asyncio.sleep(pace)
        if time.monotonic() >= stop_at or client.closed:
            break
        game = client.game
        if client.my_turn():
            msg = bot_message(game, seed=secrets.token_hex(4))
        elif is_host and game["phase"] in ("WAITING", "GAME_OVER"):
            msg = {"type": "start"}
        else:
            continue
        acted = client.version
        sent = time.monotonic()
        try:
            reply = await client.request(msg, timeout=10)
        except (TimeoutError, ConnectionError):
            stats.timeouts += 1
            continue
        if reply["type"] == "ack":
            stats.actions.append((room, reply["version"], sent, time.monotonic()))
        else:
            stats.refused[reply.get("code", "?")] = stats.refused.get(reply.get("code", "?"), 0) + 1


async def client_loop_lag(stop_at: float, every: float = 0.005) -> list[float]:
    """How late this client's own event loop wakes a 5 ms sleep, in ms (sorted):
    the measuring instrument's share of the latencies (it shares the machine)."""
    lags = []
    while time.monotonic() < stop_at:
        t = time.perf_counter()
        await asyncio.sleep(every)
        lags.append((time.perf_counter() - t - every) * 1000)
    return sorted(lags)


def delivery(clients: list[Client], version: int) -> float | None:
    """When the last of ``clients`` first held a state with version ≥ ``version``."""
    latest = 0.0
    for c in clients:
        when = None
        for v, t in reversed(c.state_times):
            if v < version:
                break
            when = t
        if when is None:
            return None
        latest = max(latest, when)
    return latest


async def run(
    urls: list[str],
    rooms: int,
    duration: float,
    pace: float,
    setup_concurrency: int,
    ramp_up: float = 0.0,
    timeline: str = "",
) -> dict[str, Any]:
    stats = Stats()
    pool = ThreadPoolExecutor(16)
    sem = asyncio.Semaphore(setup_concurrency)
    t_setup = time.monotonic()
    tables = await asyncio.gather(*(setup_room(i, urls, pool, sem, stats) for i in range(rooms)))
    ready = [(i, t) for i, t in enumerate(tables) if t is not None]
    setup_seconds = time.monotonic() - t_setup
    print(
        f"set up {len(ready)}/{rooms} rooms ({4 * len(ready)} sockets) in {setup_seconds:.1f}s",
        file=sys.stderr,
    )
    # The client is the measuring instrument: keep its own garbage collector
    # from pausing 800 sockets' reads. Set-up objects live for the whole run
    # (frozen), and the collector is off while the clock runs: with it on, the
    # client itself stalled for 2.9 s of a 40 s run at 200 rooms (young
    # collections of ~27 ms, full ones up to 208 ms), which both delayed the
    # receive timestamps and released actions to the server in bursts.
    # The run's cyclic garbage stays in memory until the collector is back on.
    gc.collect()
    gc.freeze()
    gc.disable()
    started = time.monotonic()
    measure_from = started + ramp_up
    stop_at = measure_from + duration
    lag_probe = asyncio.ensure_future(client_loop_lag(stop_at))
    tasks = [
        asyncio.ensure_future(player(i, c, seat == 0, stats, pace, stop_at, ramp_up))
        for i, table in ready
        for seat, c in enumerate(table)
    ]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - measure_from
    lags = await lag_probe
    gc.enable()
    await asyncio.sleep(1.0)  # let the last deliveries land
    by_room = dict(ready)
    latencies: list[float] = []
    acks: list[float] = []
    undelivered = 0
    slices: dict[int, list[float]] = {}
    seconds: dict[int, list[float]] = {}
    measured = [a for a in stats.actions if a[2] >= measure_from]
    for room, version, sent, acked in stats.actions:
        done = delivery(by_room[room], version)
        if done is None:
            undelivered += 1  # counted during the ramp-up too
        elif sent >= measure_from:
            acks.append((acked - sent) * 1000)
            latencies.append(done - sent)
            slices.setdefault(int((sent - measure_from) // 10), []).append((done - sent) * 1000)
            seconds.setdefault(int(sent - measure_from), []).append((done - sent) * 1000)
    if timeline:
        write_timeline(timeline, seconds)
    acks.sort()
    closed = sum(1 for _, table in ready for c in table if c.closed)
    error_frames: dict[str, int] = {}
    for _, table in ready:
        for c in table:
            for e in c.errors:
                error_frames[e.get("code", "?")] = error_frames.get(e.get("code", "?"), 0) + 1
    await asyncio.gather(*(c.close() for _, table in ready for c in table), return_exceptions=True)
    pool.shutdown(wait=False)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    errors = (
        sum(error_frames.values())
        + stats.connect_failures
        + closed
        + stats.timeouts
        + undelivered
        + len(stats.setup_failures)
    )
    return {
        "rooms": len(ready),
        "clients": 4 * len(ready),
        "duration_s": round(elapsed, 1),
        "ramp_up_s": ramp_up,
        "pace_s": pace,
        "actions": len(measured),
        "actions_per_s": round(len(measured) / elapsed, 1) if elapsed else 0,
        "p99_ms_by_10s": [round(percentile(sorted(slices[k]), 99), 1) for k in sorted(slices)],
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(ms[-1], 1) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "client_lag_p99_ms": round(percentile(lags, 99), 1),
        "client_lag_max_ms": round(lags[-1], 1) if lags else None,
        "ack_p50_ms": round(percentile(acks, 50), 1),
        "ack_p99_ms": round(percentile(acks, 99), 1),
        "errors": errors,
        "error_frames": error_frames,
        "connect_failures": stats.connect_failures,
        "closed_during_run": closed,
        "request_timeouts": stats.timeouts,
        "undelivered": undelivered,
        "setup_failures": stats.setup_failures[:5],
        "setup_s": round(setup_seconds, 1),
    }


def write_timeline(path: str, seconds: dict[int, list[float]]) -> None:
    """One JSON line per measured second (actions sent in it, latency p50/p99/max):
    shows when a burst happened, which the 10-second slices blur."""
    with open(path, "w") as out:
        for second in sorted(seconds):
            ms = sorted(seconds[second])
            line = {
                "second": second,
                "actions": len(ms),
                "p50_ms": round(percentile(ms, 50), 1),
                "p99_ms": round(percentile(ms, 99), 1),
                "max_ms": round(ms[-1], 1),
            }
            out.write(json.dumps(line) + "\n")


# --- --spawn: one command from database to figures -----------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(database_url: str, env: dict[str, str]) -> None:
    """Create the PostgreSQL database if needed; migrate it (or the default SQLite file)."""
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = database_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}", file=sys.stderr)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


def spawn_servers(args: argparse.Namespace) -> tuple[list[subprocess.Popen], list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WS_", "GAME_"))}
    env.pop("SQLITE_PATH", None)
    env.update(
        {
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "LOG_LEVEL": args.log_level,
            "MAINTENANCE_IN_PROCESS": "0",
            # every bench client comes from 127.0.0.1: the per-address limit (60/s) must go up
            "WS_RATE_LIMIT_PER_ADDRESS": str(args.rate_limit_per_address),
            "WS_MAX_CONNECTIONS": str(max(2000, 4 * args.rooms + 100)),
        }
    )
    for key, value in (("DATABASE_URL", args.database_url), ("REDIS_URL", args.redis_url)):
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    prepare_database(args.database_url, env)
    procs, urls = [], []
    daphne = str(Path(sys.executable).parent / "daphne")
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    for i in range(args.processes):
        port = free_port() if args.processes > 1 or not args.port else args.port
        log = open(log_dir / f"ws_load-server-{i}.log", "wb")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [daphne, "-b", "127.0.0.1", "-p", str(port), "liaptui.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    for proc, url in zip(procs, urls, strict=True):
        wait_healthy(url, 60, proc)
    return procs, urls


def stop_servers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--url",
        action="append",
        help="server URL (repeat for several processes); default http://127.0.0.1:5050",
    )
    p.add_argument("--rooms", type=int, default=50)
    p.add_argument("--duration", type=float, default=30.0, help="seconds of play (max 600)")
    p.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="seconds a client waits once awaited before acting "
        "(1 s ≈ one action per room per second)",
    )
    p.add_argument("--setup-concurrency", type=int, default=25)
    p.add_argument(
        "--ramp-up",
        type=float,
        default=0.0,
        help="seconds over which hosts start their games, not measured (max 600)",
    )
    p.add_argument(
        "--spawn", action="store_true", help="start daphne (and create/migrate the database) first"
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="with --spawn: daphne processes (clients spread evenly)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=0,
        help="with --spawn and one process: port (default: a free one)",
    )
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    p.add_argument("--rate-limit-per-address", type=int, default=100000)
    p.add_argument(
        "--log-level",
        default="INFO",
        help="with --spawn: the servers' LOG_LEVEL (production: INFO)",
    )
    p.add_argument("--log-dir", default="/tmp", help="with --spawn: where the server logs go")
    p.add_argument("--json", action="store_true", help="print the result as one JSON line")
    p.add_argument(
        "--timeline", default="", help="write per-second latency figures (JSON lines) to this file"
    )
    args = p.parse_args(argv)
    if not 0 < args.duration <= 600:
        p.error("--duration must be in (0, 600]")
    if not 0 <= args.ramp_up <= 600:
        p.error("--ramp-up must be in [0, 600]")
    if not 0 < args.rooms <= 1000:
        p.error("--rooms must be in 1..1000")
    procs: list[subprocess.Popen] = []
    try:
        if args.spawn:
            if args.url:
                p.error("--spawn starts its own server: no --url")
            procs, urls = spawn_servers(args)
        else:
            urls = args.url or ["http://127.0.0.1:5050"]
        for url in urls:
            try:
                check_local(url)
            except ValueError as exc:
                p.error(str(exc))
        result = asyncio.run(
            run(
                urls,
                args.rooms,
                args.duration,
                args.pace,
                args.setup_concurrency,
                args.ramp_up,
                args.timeline,
            )
        )
    finally:
        stop_servers(procs)
    result["processes"] = len(urls)
    result["config"] = (
        ("postgresql" if args.database_url.startswith("postgres") else "sqlite")
        + ("+redis" if args.redis_url else "+in-memory layer")
        if args.spawn
        else "external"
    )
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"rooms {result['rooms']}  clients {result['clients']}  "
            f"processes {result['processes']}  "
            f"config {result['config']}  duration {result['duration_s']}s  "
            f"ramp-up {result['ramp_up_s']}s (not measured)  pace {result['pace_s']}s"
        )
        print(f"actions {result['actions']}  actions/s {result['actions_per_s']}")
        print(
            f"action→all-four-delivered latency ms: p50 {result['p50_ms']}  "
            f"p95 {result['p95_ms']}  "
            f"p99 {result['p99_ms']}  max {result['max_ms']}  mean {result['mean_ms']}"
        )
        print(
            f"action→own ack latency ms (part of the above): p50 {result['ack_p50_ms']}  "
            f"p99 {result['ack_p99_ms']}"
        )
        print(f"p99 ms of each 10 s slice: {result['p99_ms_by_10s']}")
        print(
            f"load client's own event-loop lag ms: p99 {result['client_lag_p99_ms']}  "
            f"max {result['client_lag_max_ms']}"
        )
        print(
            f"errors {result['errors']}  (error frames {result['error_frames']}, connect failures "
            f"{result['connect_failures']}, closed {result['closed_during_run']}, timeouts "
            f"{result['request_timeouts']}, undelivered {result['undelivered']}, setup failures "
            f"{len(result['setup_failures'])})"
        )
        for line in result["setup_failures"]:
            print(f"  {line}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
