"""Fixtures for the monitoring tests: an isolated rolling window, a fake game
stats provider (the real one belongs to games), and ops credentials."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from monitoring import providers
from monitoring.window import window

OPS_TOKEN = "test-ops-token-" + "z" * 24


def game_stats_fixture(**overrides: Any) -> dict[str, Any]:
    """A consistent picture: 3 active rooms, one finished game."""
    rooms = [
        {
            "room_id": "r-1",
            "code": "ABCD",
            "name": "Alpha",
            "status": "playing",
            "phase": "TURN",
            "round": 2,
            "version": 41,
            "seats": [
                {
                    "seat": 0,
                    "name": "Ann",
                    "is_bot": False,
                    "connected": True,
                    "bot_controlled": False,
                },
                {
                    "seat": 1,
                    "name": "Bot 1",
                    "is_bot": True,
                    "connected": True,
                    "bot_controlled": True,
                },
                {
                    "seat": 2,
                    "name": "Bob",
                    "is_bot": False,
                    "connected": False,
                    "bot_controlled": True,
                },
                {
                    "seat": 3,
                    "name": "Bot 3",
                    "is_bot": True,
                    "connected": True,
                    "bot_controlled": True,
                },
            ],
            "humans": 2,
            "bots": 2,
            "created_at": "2024-01-15T10:00:00Z",
            "last_activity_at": "2024-01-15T10:30:00Z",
        },
        {
            "room_id": "r-2",
            "code": "EFGH",
            "name": "Beta",
            "status": "playing",
            "phase": "DECLARATION",
            "round": 1,
            "version": 12,
            "seats": [
                {
                    "seat": i,
                    "name": f"P{i}",
                    "is_bot": False,
                    "connected": True,
                    "bot_controlled": False,
                }
                for i in range(4)
            ],
            "humans": 4,
            "bots": 0,
            "created_at": "2024-01-15T10:10:00Z",
            "last_activity_at": "2024-01-15T10:29:00Z",
        },
        {
            "room_id": "r-3",
            "code": "IJKL",
            "name": "Gamma",
            "status": "open",
            "phase": "WAITING",
            "round": None,
            "version": 2,
            "seats": [
                {
                    "seat": 0,
                    "name": "Cy",
                    "is_bot": False,
                    "connected": True,
                    "bot_controlled": False,
                },
                {
                    "seat": 1,
                    "name": None,
                    "is_bot": False,
                    "connected": False,
                    "bot_controlled": False,
                },
                {
                    "seat": 2,
                    "name": None,
                    "is_bot": False,
                    "connected": False,
                    "bot_controlled": False,
                },
                {
                    "seat": 3,
                    "name": None,
                    "is_bot": False,
                    "connected": False,
                    "bot_controlled": False,
                },
            ],
            "humans": 1,
            "bots": 0,
            "created_at": "2024-01-15T10:20:00Z",
            "last_activity_at": "2024-01-15T10:20:00Z",
        },
    ]
    stats = {
        "rooms_active": 3,
        "rooms_by_phase": {
            "WAITING": 1,
            "PREPARATION": 0,
            "DECLARATION": 1,
            "TURN": 1,
            "SCORING": 0,
            "GAME_OVER": 0,
        },
        "rooms_by_status": {"open": 1, "playing": 2, "finished": 1, "closed": 0},
        "connections_active": 6,
        "humans_seated": 7,
        "bots_seated": 2,
        "humans_disconnected": 1,
        "games_finished": 1,
        "games_in_progress": 2,
        "average_game_duration_seconds": 1234.5,
        "rooms": rooms,
    }
    stats.update(overrides)
    return stats


@pytest.fixture
def fresh_window() -> Iterator[None]:
    """Each test counts into its own namespace of the shared window."""
    from monitoring import recorder

    window.flush()
    with override_settings(MONITORING_NAMESPACE=f"test-monitoring:{uuid.uuid4().hex}"):
        window.discard_pending()
        yield
        window.discard_pending()
    window.set_gauge("ws_conns", recorder.process_connections())


@pytest.fixture
def game_provider() -> Iterator[dict[str, Any]]:
    """Registers a fake provider returning (a copy of) the yielded dict."""
    stats = game_stats_fixture()
    previous = providers.registered_game_stats_provider()
    providers.register_game_stats_provider(lambda: copy.deepcopy(stats))
    yield stats
    providers.register_game_stats_provider(previous)


@pytest.fixture
def ops_token() -> Iterator[str]:
    with override_settings(OPS_API_TOKEN=OPS_TOKEN):
        yield OPS_TOKEN


@pytest.fixture
def ops_headers(ops_token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ops_token}"}
