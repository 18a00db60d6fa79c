"""django-health-check probes: /ht/ for humans and machines, /ht/live, /ht/ready."""

from __future__ import annotations

import pytest
from django.test import Client

from monitoring import healthchecks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _roomy_machine(monkeypatch):
    """Disk/memory warnings on a crowded CI box must not fail the shape tests."""
    from health_check.contrib.psutil import Disk, Memory

    monkeypatch.setattr(
        healthchecks,
        "_psutil_checks",
        lambda: [Disk(max_disk_usage_percent=None), Memory(max_memory_usage_percent=None)],
    )


def test_all_checks_as_json(client: Client) -> None:
    response = client.get("/ht/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    names = " ".join(body)
    for check in ("Database", "Cache", "ChannelLayer", "EventStore", "Disk", "Memory"):
        assert check in names
    assert set(body.values()) == {"OK"}
    assert "Redis" not in names and "Ping" not in names  # no REDIS_URL here


def test_all_checks_as_html_for_humans(client: Client) -> None:
    response = client.get("/ht/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content.lower() or b"<!doctype" in response.content.lower()
    assert b"ChannelLayer" in response.content


def test_liveness_needs_nothing_external(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(healthchecks.Database, "run", _down)
    response = client.get("/ht/live?format=json")
    assert response.status_code == 200
    assert response.json() == {"ProcessAlive()": "OK"}


def test_readiness_fails_when_the_database_is_down(client: Client, monkeypatch) -> None:
    assert client.get("/ht/ready?format=json").status_code == 200
    monkeypatch.setattr(healthchecks.Database, "run", _down)
    response = client.get("/ht/ready?format=json")
    assert response.status_code == 500
    assert any("Unavailable" in v for v in response.json().values())


def _down(self) -> None:
    from health_check.exceptions import ServiceUnavailable

    raise ServiceUnavailable("database down (test)")
