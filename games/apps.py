from django.apps import AppConfig


class GamesConfig(AppConfig):
    """Rooms, seats, players, the WebSocket consumers and the game pages."""

    name = "games"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # games owns room streams: teach the event store and monitoring about them.
        from eventstore.hooks import register_replay_check, register_snapshot_builder
        from games import selectors
        from games.integrity import room_snapshot_builder, room_snapshots_match_replay
        from monitoring.providers import register_game_stats_provider

        register_replay_check(room_snapshots_match_replay)
        register_snapshot_builder(room_snapshot_builder)
        register_game_stats_provider(selectors.game_stats)
