"""HTTP side of the emergency levers.

* ``BlockedAddressMiddleware``: a client address on the block list gets 403
  for every HTTP request (WebSockets are refused by the consumers with 4403).
* ``ReadOnlyMiddleware``: in read-only mode every state-changing request
  (POST, PUT, PATCH, DELETE) outside the admin is refused with 503 and the
  error code ``read_only``, so no endpoint can write by accident. The admin
  stays writable: it is where staff turn the lever off.

Both read ``current_levers()`` (cached ≤ 2 s per process). Put them right
after ``SecurityMiddleware`` in ``MIDDLEWARE``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from liaptui.ops_auth import client_address
from monitoring.levers import current_levers
from monitoring.security import record_security_event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ADMIN_PREFIX = "/admin/"


class BlockedAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request)
        if address and address in current_levers().blocked_addresses:
            record_security_event("blocked_address", address=address, path=request.path)
            return JsonResponse(
                {
                    "error": {
                        "code": "blocked",
                        "message": "Requests from this address are refused.",
                    }
                },
                status=403,
            )
        return self.get_response(request)


class ReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in SAFE_METHODS
            and not request.path.startswith(ADMIN_PREFIX)
            and current_levers().read_only
        ):
            response = JsonResponse(
                {
                    "error": {
                        "code": "read_only",
                        "message": "The server is in read-only mode for maintenance; "
                        "nothing can be changed right now.",
                    }
                },
                status=503,
            )
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)
