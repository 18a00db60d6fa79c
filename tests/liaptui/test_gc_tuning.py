"""The server process tunes its garbage collector at start-up (real
interpreters: GC state is per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from liaptui.gc_tuning import DEFAULT_THRESHOLDS, parse_thresholds

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import gc, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaptui.settings")
import liaptui.asgi  # the server's entry point
print(json.dumps({"thresholds": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def run_server_entry_point(tmp_path: Path, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GC_THRESHOLDS",)}
    env.update({"SECRET_KEY": "probe-secret", "SQLITE_PATH": str(tmp_path / "gc.sqlite3")})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_asgi_entry_point_freezes_start_up_objects_and_sets_thresholds(tmp_path: Path) -> None:
    out = run_server_entry_point(tmp_path)
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert tuple(probe["thresholds"]) == DEFAULT_THRESHOLDS
    assert probe["frozen"] > 10_000  # Django, Channels and the app are out of the collector's way


def test_gc_thresholds_off_keeps_cpythons_defaults(tmp_path: Path) -> None:
    out = run_server_entry_point(tmp_path, GC_THRESHOLDS="off")
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert tuple(probe["thresholds"]) == (700, 10, 10)
    assert probe["frozen"] == 0


def test_a_bad_gc_threshold_setting_refuses_to_start_with_one_clear_line(tmp_path: Path) -> None:
    env = dict(os.environ, GC_THRESHOLDS="lots", DEBUG="1")
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode != 0
    assert "GC_THRESHOLDS='lots'" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", DEFAULT_THRESHOLDS), (" off ", None), ("10000, 10, 50", (10000, 10, 50))],
)
def test_parse_thresholds_accepts_defaults_off_and_three_integers(value, expected) -> None:
    assert parse_thresholds(value) == expected


@pytest.mark.parametrize("value", ["1,2", "0,10,10", "a,b,c", "-1,2,3", "1,2,3,4"])
def test_parse_thresholds_refuses_anything_else(value) -> None:
    with pytest.raises(ImproperlyConfigured, match="GC_THRESHOLDS"):
        parse_thresholds(value)
