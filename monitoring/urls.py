"""Health, metrics and ops APIs."""

from __future__ import annotations

from django.urls import path

from monitoring import views_health

urlpatterns = [
    path("api/health", views_health.health, name="health"),
]
