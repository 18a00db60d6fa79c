"""Event store APIs."""

from __future__ import annotations

from django.urls import path

from eventstore import views

urlpatterns = [
    path("api/event-store/stats", views.stats, name="eventstore-stats"),
]
