"""Monitoring reads game figures only through the registered provider."""

from __future__ import annotations

import pytest

from monitoring import providers


@pytest.fixture(autouse=True)
def _no_provider():
    previous = providers.registered_game_stats_provider()
    providers.register_game_stats_provider(None)
    yield
    providers.register_game_stats_provider(previous)


def test_zeros_in_the_documented_shape_when_nothing_registered() -> None:
    stats = providers.game_stats()
    assert stats["rooms_active"] == 0
    assert stats["rooms_by_phase"] == {p: 0 for p in providers.PHASES}
    assert stats["rooms_by_status"] == {s: 0 for s in providers.STATUSES}
    assert stats["average_game_duration_seconds"] is None
    assert stats["rooms"] == []
    assert not providers.has_game_stats_provider()


def test_registered_provider_figures_fill_the_defaults() -> None:
    providers.register_game_stats_provider(
        lambda: {"rooms_active": 2, "rooms_by_phase": {"TURN": 2}, "connections_active": 5}
    )
    stats = providers.game_stats()
    assert stats["rooms_active"] == 2
    assert stats["rooms_by_phase"]["TURN"] == 2 and stats["rooms_by_phase"]["WAITING"] == 0
    assert stats["connections_active"] == 5
    assert stats["humans_seated"] == 0


def test_a_failing_provider_is_reported_not_hidden_as_zeros() -> None:
    def broken() -> dict:
        raise ConnectionError("db down")

    providers.register_game_stats_provider(broken)
    with pytest.raises(providers.GameStatsUnavailable):
        providers.game_stats()


def test_provider_must_be_callable() -> None:
    with pytest.raises(TypeError):
        providers.register_game_stats_provider(42)  # type: ignore[arg-type]
