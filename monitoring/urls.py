"""Health, metrics and ops APIs."""

from __future__ import annotations

from django.urls import path

from monitoring import healthchecks, views_health, views_ops

urlpatterns = [
    path("api/health", views_health.health, name="health"),
    path("api/health/detailed", views_health.health_detailed, name="health-detailed"),
    path("api/health/metrics", views_health.health_metrics, name="health-metrics"),
    path("api/system/stats", views_ops.system_stats, name="system-stats"),
    path("api/debug/room-stats", views_ops.room_stats, name="room-stats"),
    path("ht/", healthchecks.AllChecksView.as_view(), name="health-check"),
    path("ht/live", healthchecks.LivenessView.as_view(), name="health-check-live"),
    path("ht/ready", healthchecks.ReadinessView.as_view(), name="health-check-ready"),
]

# Recovery status (issue 8).
from monitoring import views_recovery  # noqa: E402

urlpatterns += [
    path("api/recovery/status", views_recovery.recovery_status_view, name="recovery-status"),
]
