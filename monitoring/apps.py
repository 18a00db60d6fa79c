from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Health, metrics, stats, recovery, security events and ops dashboards."""

    name = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"
