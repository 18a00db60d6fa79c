"""/ops/: the staff dashboards and the room audit trail."""

from __future__ import annotations

from django.urls import path

from monitoring.dashboards import views

app_name = "ops"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("performance/", views.performance, name="performance"),
    path("resources/", views.resources, name="resources"),
    path("games/", views.games, name="games"),
    path("alerts/", views.alerts, name="alerts"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<str:ref>/", views.room_audit, name="room-audit"),
]
