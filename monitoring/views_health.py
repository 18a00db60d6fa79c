"""Health endpoints (open): the load balancer's probe, the detailed report and
the Prometheus metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from monitoring import stats
from monitoring.health import critical_components
from monitoring.metrics import render


def utc_now_iso() -> str:
    """ISO 8601 UTC with a ``Z`` suffix, to the second, as load balancers log it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@never_cache
@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """200 healthy, or 503 unhealthy naming the critical components that are down."""
    components = critical_components()
    down = sorted(name for name, result in components.items() if result["status"] != "up")
    if down:
        return JsonResponse(
            {"status": "unhealthy", "timestamp": utc_now_iso(), "failing": down}, status=503
        )
    return JsonResponse({"status": "healthy", "timestamp": utc_now_iso()})


# The name the foundation routed; kept so existing imports keep working.
health = health_view


@never_cache
@require_GET
def health_detailed(request: HttpRequest) -> JsonResponse:
    return JsonResponse(stats.detailed_health())


@never_cache
@require_GET
def health_metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
