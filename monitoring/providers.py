"""Where monitoring gets its game figures: a provider the games app registers.

Monitoring knows nothing of games. At app-ready time the games app calls
``register_game_stats_provider(fn)``; ``fn()`` returns the system-wide room
and player figures computed from shared state (the database), so every
server process reports the same numbers. Until something registers,
``game_stats()`` returns the documented shape filled with zeros.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from liaptui.logging_setup import get_logger

log = get_logger("error")

PHASES = ("WAITING", "PREPARATION", "DECLARATION", "TURN", "SCORING", "GAME_OVER")
STATUSES = ("open", "playing", "finished", "closed")

GameStatsProvider = Callable[[], dict[str, Any]]

_lock = threading.Lock()
_provider: GameStatsProvider | None = None


def empty_game_stats() -> dict[str, Any]:
    """The provider's shape with every figure at zero (nothing registered yet)."""
    return {
        "rooms_active": 0,
        "rooms_by_phase": {phase: 0 for phase in PHASES},
        "rooms_by_status": {status: 0 for status in STATUSES},
        "connections_active": 0,
        "humans_seated": 0,
        "bots_seated": 0,
        "humans_disconnected": 0,
        "games_finished": 0,
        "games_in_progress": 0,
        "average_game_duration_seconds": None,
        "rooms": [],
    }


def register_game_stats_provider(fn: GameStatsProvider | None) -> None:
    """Install the function that computes the game figures (``None`` removes it)."""
    global _provider
    if fn is not None and not callable(fn):
        raise TypeError("a game stats provider must be callable")
    with _lock:
        _provider = fn


def has_game_stats_provider() -> bool:
    return _provider is not None


def registered_game_stats_provider() -> GameStatsProvider | None:
    """The installed provider (tests save and restore it around a fake one)."""
    return _provider


class GameStatsUnavailable(RuntimeError):
    """The registered provider failed (its cause is chained and logged)."""


def game_stats() -> dict[str, Any]:
    """Current system-wide game figures, defaults filled in for missing keys.

    Raises ``GameStatsUnavailable`` if the provider itself fails (e.g. the
    database is down), so callers can report that rather than zeros.
    """
    provider = _provider
    result = empty_game_stats()
    if provider is None:
        return result
    try:
        stats = provider()
    except Exception as exc:  # noqa: BLE001 - reported to the caller, logged here
        log.exception("game_stats_provider_failed")
        raise GameStatsUnavailable(type(exc).__name__) from exc
    for key, value in (stats or {}).items():
        if key in ("rooms_by_phase", "rooms_by_status") and isinstance(value, dict):
            result[key].update(value)
        else:
            result[key] = copy.copy(value)
    return result
