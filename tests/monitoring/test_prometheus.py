"""promtool accepts our metrics, rules and config; a real Prometheus scrapes us.

Debian's ``prometheus`` package provides both binaries (``.ci/run`` installs
it). Without it these tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "prometheus"
IN_CI = os.environ.get("CI", "").lower() == "true"


def binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} not installed (apt-get install prometheus)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary("promtool"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=DEPLOY,
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_window", "game_provider")
def test_metrics_output_passes_promtool_check_metrics(client: Client) -> None:
    from monitoring import recorder

    recorder.ws_message("in", "play")
    recorder.ws_roundtrip(0.01)
    recorder.command_timed("declare", 0.002, ok=True)
    recorder.error("protocol")
    recorder.rate_limited("address")
    recorder.events_appended(2)
    recorder.recovery_action("finish_overdue_turn", "ok")
    recorder.request_done(ok=True)
    text = client.get("/api/health/metrics").content.decode()
    done = promtool("check", "metrics", stdin=text)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "" and done.stderr.strip() == ""


def test_alert_rules_pass_promtool_check_rules() -> None:
    done = promtool("check", "rules", "alerts.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 9 rules found" in done.stdout


def test_alert_rules_fire_when_they_should() -> None:
    done = promtool("test", "rules", "alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_scrape_config_passes_promtool_check_config() -> None:
    done = promtool("check", "config", "prometheus.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test URL
        return json.loads(response.read())


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_window")
def test_a_real_prometheus_scrapes_game_rooms_active(live_server, game_provider, tmp_path) -> None:
    game_provider["rooms_active"] = 3
    target = urllib.parse.urlsplit(live_server.url).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files:\n  - {DEPLOY / 'alerts.yml'}\n"
        "scrape_configs:\n"
        "  - job_name: liaptui\n    metrics_path: /api/health/metrics\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
        "  - job_name: liaptui-django\n    metrics_path: /metrics\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
    )
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            binary("prometheus"),
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 30

    def wait_for(query: str, expected: str) -> dict:
        """The first series of ``query`` once its value is ``expected`` (bounded wait)."""
        last: object = None
        while time.monotonic() < deadline:
            try:
                result = get_json(f"{api}/query?query={urllib.parse.quote(query)}")["data"][
                    "result"
                ]
            except OSError:
                result = []  # not listening yet
            if result:
                last = result[0]
                if result[0]["value"][1] == expected:
                    return result[0]
            time.sleep(0.3)
        log_tail = (tmp_path / "prometheus.log").read_text()[-3000:]
        raise AssertionError(f"{query}: last {last!r}, wanted {expected}\n{log_tail}")

    try:
        series = wait_for("game_rooms_active", "3")
        assert series["metric"]["job"] == "liaptui"
        wait_for('up{job="liaptui-django"}', "1")
        wait_for("health_status", "1")
        rules = get_json(f"{api}/rules")["data"]["groups"]
        assert sum(len(group["rules"]) for group in rules) == 9
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
