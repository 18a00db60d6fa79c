"""Ops endpoints: a staff session or the ops bearer token (``ops_required``)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from liaptui.ops_auth import ops_required
from monitoring import stats


@never_cache
@require_GET
@ops_required
def system_stats(request: HttpRequest) -> JsonResponse:
    return JsonResponse(stats.system_stats())


@never_cache
@require_GET
@ops_required
def room_stats(request: HttpRequest) -> JsonResponse:
    return JsonResponse(stats.room_stats())
