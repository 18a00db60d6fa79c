"""Real server processes for the live tests: daphne on a free port, killed at teardown.

Each server shares the test database that pytest-django created (tests use
``django_db(transaction=True)`` so what they write is committed and visible
to the servers): on SQLite the test file (``SQLITE_PATH``), on PostgreSQL the
test database by URL, plus the Redis channel layer when ``REDIS_URL`` is set.
Timers, pauses and the disconnect grace are 0 unless a test asks otherwise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bench.common import wait_healthy

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).parent / "daphne"
OPS_TOKEN = "live-test-ops-token-" + "y" * 24
START_TIMEOUT = 40.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_env() -> dict[str, str]:
    """Point a server process at the database pytest-django is using right now."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env: dict[str, str] = {}
    if db["ENGINE"].endswith("postgresql"):
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    else:
        env["SQLITE_PATH"] = str(db["NAME"])
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


@dataclass
class Server:
    port: int
    log_path: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    history: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [str(DAPHNE), "-b", "127.0.0.1", "-p", str(self.port), "liaptui.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            wait_healthy(self.url, START_TIMEOUT, self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(f"server did not start; log:\n{self.log_tail()}") from None
        self.history.append(f"started pid {self.proc.pid}")
        return self

    def kill9(self) -> None:
        """SIGKILL: no shutdown hooks, no on_commit leftovers, timers gone."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.history.append(f"killed -9 pid {self.proc.pid}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@pytest.fixture
def live_servers(transactional_db: Any, tmp_path: Path) -> Iterator[Any]:
    """Factory: ``live_servers(**extra_env)`` starts one more daphne process on the test DB."""
    started: list[Server] = []

    def start(**extra_env: Any) -> Server:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "PYTEST_CURRENT_TEST")
            and not k.startswith(("WS_", "GAME_"))
        }
        env.update(
            {
                "SECRET_KEY": os.environ.get("SECRET_KEY", "live-test-secret-" + "z" * 40),
                "DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "GAME_BOT_DELAY": "0",
                "GAME_TURN_RESULT_PAUSE": "0",
                "GAME_ROUND_RESULT_PAUSE": "0",
                "GAME_DISCONNECT_GRACE": "0",
                "MAINTENANCE_IN_PROCESS": "0",
                "OPS_API_TOKEN": OPS_TOKEN,
                # the production limits (the unit-test defaults raise them): tests that play
                # fast from one address pass WS_RATE_LIMIT_PER_ADDRESS themselves
                "WS_RATE_LIMIT_PER_CONNECTION": "20",
                "WS_RATE_LIMIT_PER_ADDRESS": "60",
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(database_env())
        env.update({k: str(v) for k, v in extra_env.items()})
        server = Server(free_port(), tmp_path / f"server-{len(started)}.log", env)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def ops_token() -> str:
    return OPS_TOKEN
