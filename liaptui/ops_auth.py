"""Access to the ops JSON endpoints: a staff session or the ops bearer token.

No credentials → 401; credentials that are not enough (a logged-in
non-staff user, a wrong token) → 403. Every refusal is a security event.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from monitoring.security import record_security_event

View = Callable[..., HttpResponse]


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def ops_access(request: HttpRequest) -> tuple[bool, int, str]:
    """(allowed, status if refused, reason) for an ops request."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        expected = settings.OPS_API_TOKEN
        if scheme.lower() == "bearer" and expected and hmac.compare_digest(token.strip(), expected):
            return True, 200, "token"
        return False, 403, "invalid ops token"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.is_active and user.is_staff:
            return True, 200, "staff"
        return False, 403, "staff only"
    return False, 401, "authentication required"


def ops_required(view: View) -> View:
    """Decorator for ops endpoints (JSON error bodies, security logging)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed, status, reason = ops_access(request)
        if not allowed:
            record_security_event(
                "access_denied", path=request.path, reason=reason, address=client_address(request)
            )
            response = JsonResponse({"error": reason, "status": status}, status=status)
            if status == 401:
                response["WWW-Authenticate"] = 'Bearer realm="liaptui-ops"'
            return response
        return view(request, *args, **kwargs)

    return wrapper
