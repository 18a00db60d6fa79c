"""Loaded with ``-p tests.env_defaults`` before pytest-django reads settings.

Tests run with DEBUG off, like production, so they need a SECRET_KEY; the
in-process maintenance loop and presentation pauses are off so tests drive
time themselves.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaptui.settings")
for _name in (
    "GAME_BOT_DELAY",
    "GAME_TURN_RESULT_PAUSE",
    "GAME_ROUND_RESULT_PAUSE",
    "GAME_DISCONNECT_GRACE",
):
    os.environ.setdefault(_name, "0")
os.environ.setdefault("MAINTENANCE_IN_PROCESS", "0")
# Bots play at full speed in tests, so a human test client acts faster than a
# person could; rate-limit tests lower these through the levers.
os.environ.setdefault("WS_RATE_LIMIT_PER_CONNECTION", "100000")
os.environ.setdefault("WS_RATE_LIMIT_PER_ADDRESS", "100000")

import tempfile  # noqa: E402

# One SQLite test file per test run (concurrent runs must not share it);
# server processes started by tests inherit it through the environment.
os.environ.setdefault(
    "SQLITE_TEST_PATH", os.path.join(tempfile.gettempdir(), f"liaptui-test-{os.getpid()}.sqlite3")
)
