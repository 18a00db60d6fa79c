"""Health endpoints: the load balancer's probe and the detailed report."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def utc_now_iso() -> str:
    """ISO 8601 UTC with a ``Z`` suffix, to the second, as load balancers log it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "healthy", "timestamp": utc_now_iso()})
