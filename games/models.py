"""Projections of the room streams, plus players and live connections.

The event stream of a room is the source of truth. ``Room`` and ``Seat`` are
projections written in the same transaction as the events, for listing,
admin and stats; they can always be rebuilt from the stream.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Player(models.Model):
    """A person at the table: a guest session with a display name, or a staff user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=24)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({str(self.id)[:8]})"


class RoomStatus(models.TextChoices):
    OPEN = "open", "Open (waiting for players)"
    PLAYING = "playing", "Game in progress"
    FINISHED = "finished", "Game over"
    CLOSED = "closed", "Closed"


class Room(models.Model):
    """Projection of one room's stream."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=40)
    stream_id = models.CharField(max_length=64, unique=True)
    host = models.ForeignKey(
        Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_rooms"
    )
    is_public = models.BooleanField(default=True)
    settings = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=RoomStatus.choices, default=RoomStatus.OPEN)
    phase = models.CharField(max_length=16, default="WAITING")
    round_number = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    games_finished = models.PositiveIntegerField(default=0)
    # When the next automatic action (bot move, timeout, timer) is due, and
    # what it is: the maintenance sweep advances rooms whose time has passed.
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    pending_action = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    game_started_at = models.DateTimeField(null=True, blank=True)
    game_finished_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "is_public"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} [{self.code}]"


class Seat(models.Model):
    """Projection of one of a room's four seats."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="seats")
    index = models.PositiveSmallIntegerField()
    player = models.ForeignKey(
        Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="seats"
    )
    name = models.CharField(max_length=24, blank=True, default="")
    is_bot = models.BooleanField(default=False)
    bot_strategy = models.CharField(max_length=16, blank=True, default="")
    away = models.BooleanField(default=False, help_text="Human seat played by a bot while away")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "index"], name="unique_seat_index"),
        ]
        ordering = ["room", "index"]

    def __str__(self) -> str:
        return f"{self.room.code}#{self.index} {self.name or '(empty)'}"


class Connection(models.Model):
    """One open WebSocket; shared across server processes for presence and counts.

    ``last_seen_at`` is refreshed by its process's heartbeat (games.heartbeat), so a
    row left behind by a crashed process goes stale and is swept.
    """

    channel_name = models.CharField(max_length=200, primary_key=True)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.CASCADE, related_name="connections"
    )
    player = models.ForeignKey(
        Player, null=True, blank=True, on_delete=models.CASCADE, related_name="connections"
    )
    address = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=8, default="room")  # room | lobby
    connected_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(db_index=True)


class RejectedCommand(models.Model):
    """A command the server refused: part of the room's audit trail, not its stream."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="rejections")
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL)
    seat = models.SmallIntegerField(null=True, blank=True)
    at_version = models.PositiveIntegerField()
    command = models.JSONField(default=dict)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    correlation_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
