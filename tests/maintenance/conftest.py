"""Fixtures for the maintenance tests: levers reset around each test, rooms
with bots built through the services, ops credentials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from games import services
from games.models import Player, Room
from games.room_rules import SYSTEM, Actor, AddBot, MarkAway, StartGame
from monitoring.levers import forget_cached_levers

OPS_TOKEN = "maintenance-ops-token-" + "q" * 24


@pytest.fixture(autouse=True)
def _fresh_levers():
    forget_cached_levers()
    yield
    forget_cached_levers()


@pytest.fixture
def ops_headers():
    with override_settings(OPS_API_TOKEN=OPS_TOKEN):
        yield {"HTTP_AUTHORIZATION": f"Bearer {OPS_TOKEN}"}


def bot_room(
    name: str = "Ana",
    *,
    start: bool = True,
    away: bool = True,
    target_score: int = 5,
    overdue: bool = True,
) -> tuple[Player, Room]:
    """A host and three bots; started, with the host away so bots play every seat.

    Built in a process with no event loop attached, so nothing schedules the
    moves: only ``Room.next_due_at`` says one is due (as after a crash).
    """
    player = services.player_create(name=name)
    room = services.room_create(
        player=player,
        name=f"{name}'s table",
        settings={
            "target_score": target_score,
            "action_time_limit": 0,
            "redeal_window": 0,
            "bot_delay": 0,
            "turn_pause": 0,
            "round_pause": 0,
        },
    )
    host = Actor(str(player.id), name)
    for seat in (1, 2, 3):
        services.room_command(room=room, actor=host, command=AddBot(seat=seat, strategy="random"))
    if start:
        services.room_command(room=room, actor=host, command=StartGame())
        if away:
            services.room_command(room=room, actor=SYSTEM, command=MarkAway(seat=0))
    if overdue:  # as if the process that planned the next move died a minute ago
        Room.objects.filter(pk=room.pk, next_due_at__isnull=False).update(
            next_due_at=timezone.now() - timedelta(minutes=1)
        )
    room.refresh_from_db()
    return player, room


def play_out(room: Room) -> Room:
    """Let the server take every due action until the game waits on nobody."""
    services.room_advance_until_idle(room_id=str(room.id))
    room.refresh_from_db()
    return room
