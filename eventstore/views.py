"""Thin HTTP shells over the selectors."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from eventstore.selectors import eventstore_stats
from liaptui.ops_auth import ops_required


@ops_required
@require_GET
def stats(request: HttpRequest) -> JsonResponse:
    """``GET /api/event-store/stats``: staff session or ops bearer token."""
    try:
        top = max(0, min(int(request.GET.get("top", 20)), 1000))
    except ValueError:
        return JsonResponse({"error": "top must be an integer"}, status=400)
    return JsonResponse(eventstore_stats(top=top))
