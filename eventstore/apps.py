from django.apps import AppConfig


class EventstoreConfig(AppConfig):
    """Append-only event streams; knows nothing of games."""

    name = "eventstore"
    verbose_name = "Event store"
    default_auto_field = "django.db.models.BigAutoField"
