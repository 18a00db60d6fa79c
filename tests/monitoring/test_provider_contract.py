"""The provider the games app registers returns the shape monitoring reads."""

from __future__ import annotations

import pytest

from monitoring import providers

pytestmark = pytest.mark.django_db


def test_the_registered_provider_keeps_the_documented_shape() -> None:
    if not providers.has_game_stats_provider():
        pytest.skip("no game stats provider registered (games app not wired yet)")
    stats = providers.game_stats()
    expected = providers.empty_game_stats()
    assert set(expected) <= set(stats)
    assert set(stats["rooms_by_phase"]) >= set(providers.PHASES)
    assert set(stats["rooms_by_status"]) >= set(providers.STATUSES)
    for key in (
        "rooms_active",
        "connections_active",
        "humans_seated",
        "bots_seated",
        "humans_disconnected",
        "games_finished",
        "games_in_progress",
    ):
        assert isinstance(stats[key], int), key
    assert isinstance(stats["rooms"], list)


def test_metrics_render_with_the_registered_provider(client) -> None:
    text = client.get("/api/health/metrics").content.decode()
    assert "game_stats_available 1.0" in text
    assert "\ngame_rooms_active " in text
