"""The settings switch between the embedded default and production, for real.

Each case starts a fresh interpreter with a given environment, because
settings are read once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, asyncio, django
django.setup()
from django.conf import settings
from django.db import connection
from django.core.cache import cache
from channels.layers import get_channel_layer

async def channel_round_trip():
    layer = get_channel_layer()
    name = await layer.new_channel()
    await layer.send(name, {"type": "probe", "n": 7})
    return (await asyncio.wait_for(layer.receive(name), 5))["n"]

with connection.cursor() as cur:
    cur.execute("SELECT 1")
cache.set("liaptui-probe", "ok", 10)
print(json.dumps({
    "db_vendor": connection.vendor,
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_value": cache.get("liaptui-probe"),
    "layer": type(get_channel_layer()).__name__,
    "round_trip": asyncio.run(channel_round_trip()),
    "maintenance_in_process": settings.MAINTENANCE_IN_PROCESS,
    "celery_broker": settings.CELERY_BROKER_URL,
}))
"""


def run_probe(env_overrides: dict[str, str | None], tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"SECRET_KEY": "probe-secret", "SQLITE_PATH": str(tmp_path / "probe.sqlite3")})
    env.pop("MAINTENANCE_IN_PROCESS", None)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_uses_sqlite_memory_layer_and_local_cache(tmp_path: Path) -> None:
    result = run_probe({}, tmp_path)
    assert result["db_vendor"] == "sqlite"
    assert result["cache_backend"].endswith("LocMemCache")
    assert result["cache_value"] == "ok"
    assert result["layer"] == "InMemoryChannelLayer"
    assert result["round_trip"] == 7
    assert result["maintenance_in_process"] is True
    assert (tmp_path / "probe.sqlite3").exists()


@pytest.mark.postgres
@pytest.mark.redis
def test_production_urls_switch_to_postgres_redis_layer_and_redis_cache(tmp_path: Path) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    result = run_probe({"DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL}, tmp_path)
    assert result["db_vendor"] == "postgresql"
    assert result["cache_backend"].endswith("RedisCache")
    assert result["cache_value"] == "ok"
    assert result["layer"] == settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[1]
    assert result["layer"] in ("RedisChannelLayer", "PubSubChannelLayer")
    assert result["round_trip"] == 7
    assert result["maintenance_in_process"] is False
    assert result["celery_broker"] == settings.REDIS_URL
    assert not (tmp_path / "probe.sqlite3").exists()


def test_debug_off_without_secret_key_refuses_to_start_with_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "SECRET_KEY is not set and DEBUG is off" in out.stderr
    assert "Traceback" not in out.stderr


def test_bad_boolean_in_environment_is_reported_by_name(tmp_path: Path) -> None:
    env = dict(os.environ, DEBUG="maybe")
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in out.stderr
