"""Fixtures for the dashboard tests: finished bot games built through the services."""

from __future__ import annotations

import pytest

from games import services
from games.models import Room
from games.room_rules import SYSTEM, Actor, AddBot, LeaveSeat, MarkAway, StartGame

FAST = {
    "target_score": 5,
    "action_time_limit": 0,
    "redeal_window": 0,
    "bot_delay": 0,
    "turn_pause": 0,
    "round_pause": 0,
}


def bot_game(name: str = "Ana", *, finish: bool = True, all_bots: bool = True) -> Room:
    """A room whose four seats are bots (the host leaves once the game runs), played out.

    ``all_bots=False``: the host stays seated but is marked away, so a bot
    plays for a seat that still counts as human.
    """
    player = services.player_create(name=name)
    room = services.room_create(player=player, name=f"{name}'s table", settings=FAST)
    host = Actor(str(player.id), name)
    for seat in (1, 2, 3):
        services.room_command(room=room, actor=host, command=AddBot(seat=seat))
    services.room_command(room=room, actor=host, command=StartGame())
    if all_bots:
        services.room_command(room=room, actor=host, command=LeaveSeat())
    else:
        services.room_command(room=room, actor=SYSTEM, command=MarkAway(seat=0))
    if finish:
        services.room_advance_until_idle(room_id=str(room.id))
    room.refresh_from_db()
    return room


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("ops", "ops@example.com", "ops-pass-123")


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("visitor", "v@example.com", "visitor-pass-123")
