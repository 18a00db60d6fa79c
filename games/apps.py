from django.apps import AppConfig


class GamesConfig(AppConfig):
    """Rooms, seats, players, the WebSocket consumers and the game pages."""

    name = "games"
    default_auto_field = "django.db.models.BigAutoField"
