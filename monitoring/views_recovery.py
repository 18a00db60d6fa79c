"""``GET /api/recovery/status``: auto-recovery configuration, recent and failed
actions, and the stability score (ops access)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from liaptui.ops_auth import ops_required
from monitoring.recovery import recovery_status


@require_GET
@ops_required
def recovery_status_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(recovery_status())
