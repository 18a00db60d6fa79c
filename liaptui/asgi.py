"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels consumers.

WebSocket handshakes are checked against ALLOWED_HOSTS (Origin) and carry
the Django session, so a socket knows its player the same way a page does.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaptui.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from liaptui.gc_tuning import tune_garbage_collector  # noqa: E402
from liaptui.routing import websocket_urlpatterns  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

# Everything imported so far lives as long as the process: keep the cyclic
# garbage collector from re-scanning it (its pauses were the load test's tail).
tune_garbage_collector()


async def application(scope, receive, send):
    """The router, plus the in-process maintenance loop started on the first scope
    (only with MAINTENANCE_IN_PROCESS; a no-op check afterwards)."""
    from monitoring.inprocess import ensure_started

    ensure_started()
    return await router(scope, receive, send)

