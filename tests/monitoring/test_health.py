"""The load balancer's probe answers without login."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client


@pytest.mark.django_db
def test_health_reports_healthy_with_utc_timestamp(client: Client) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    stamp = datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 5


@pytest.mark.django_db
def test_health_echoes_correlation_id(client: Client) -> None:
    response = client.get("/api/health", HTTP_X_CORRELATION_ID="abc123-def456")
    assert response["X-Correlation-ID"] == "abc123-def456"
