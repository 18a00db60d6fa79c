"""Top-level URLs: the game pages, the JSON APIs, ops pages and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ops/", include("monitoring.dashboards.urls")),
    path("", include("monitoring.urls")),
    path("", include("eventstore.urls")),
    path("", include("games.urls")),
    path("", include("django_prometheus.urls")),
]
