"""WebSocket URL routes, collected from the apps that serve sockets."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver


def websocket_urlpatterns() -> list[URLPattern | URLResolver]:
    from games.routing import websocket_urlpatterns as game_routes

    return list(game_routes)
