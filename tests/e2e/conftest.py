"""Fixtures for browser tests: a real daphne server and Debian's Chromium.

``live_daphne`` spawns ``daphne`` on a free port against the pytest-django
test database (the test must use ``@pytest.mark.django_db(transaction=True)``
so the server process sees committed rows) and yields its base URL.
``browser`` is a headless Chromium per test (Playwright's sync API; it
cannot download browsers, so it drives ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])  # the test database, created by now
        env.pop("DATABASE_URL", None)
    else:  # PostgreSQL: same server, the test database's name
        user = db.get("USER") or ""
        password = db.get("PASSWORD")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}{host}/{db['NAME']}"
    env.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
    for name in ("GAME_BOT_DELAY", "GAME_TURN_RESULT_PAUSE", "GAME_ROUND_RESULT_PAUSE",
                 "GAME_DISCONNECT_GRACE"):
        env[name] = "0"
    env["DEBUG"] = "0"
    env["MAINTENANCE_IN_PROCESS"] = "0"
    env["LOG_LEVEL"] = env.get("E2E_SERVER_LOG_LEVEL", "WARNING")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def live_daphne(transactional_db) -> Iterator[str]:
    """Base URL of a daphne server sharing the test database; always terminated."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile("w+b", prefix="daphne-e2e-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "liaptui.asgi:application"],
        cwd=ROOT, env=_server_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                log.seek(0)
                output = log.read().decode(errors="replace")[-4000:]
                pytest.fail(f"daphne exited with {proc.returncode}:\n{output}")
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as res:
                    if res.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("daphne did not answer /api/health within 30 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        os.unlink(log.name)


@pytest.fixture
def browser(live_daphne, chromium_path):
    """A fresh headless Chromium per test.

    Function-scoped and set up after ``live_daphne`` on purpose: Playwright's
    sync API keeps an asyncio loop running while it lives, and Django refuses
    the test database flush at teardown inside a running loop.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return "/usr/bin/chromium"


@pytest.fixture
def shoot():
    """shoot(page, name): save desktop and phone screenshots of the page as it is now."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str, full_page: bool = True) -> None:
        size = page.viewport_size
        page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=full_page)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(120)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=full_page)
        page.set_viewport_size(size or DESKTOP)
        page.wait_for_timeout(60)

    return _shoot
