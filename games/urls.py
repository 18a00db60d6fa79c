"""Game pages and player/room APIs."""

from __future__ import annotations

from django.urls import path

from games import api, pages

urlpatterns = [
    path("api/players", api.players, name="api-players"),
    path("api/rooms", api.rooms, name="api-rooms"),
    path("api/rooms/<str:room_id>/events", api.room_events, name="api-room-events"),
    path("api/rooms/<str:room_id>/state", api.room_state, name="api-room-state"),
    path("api/rooms/<str:code>", api.room_detail, name="api-room-detail"),
    # pages
    path("", pages.home, name="home"),
    path("lobby/", pages.lobby, name="lobby"),
    path("r/<str:code>/", pages.room, name="room"),
]
