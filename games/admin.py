"""Django admin for rooms, seats, players, connections and refused commands."""

from __future__ import annotations

from django.contrib import admin

from games.models import Connection, Player, RejectedCommand, Room, Seat


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    can_delete = False
    readonly_fields = ("index", "player", "name", "is_bot", "bot_strategy", "away")

    def has_add_permission(self, request, obj=None) -> bool:  # projections are written by services
        return False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "status", "phase", "round_number", "version", "games_finished",
                    "last_activity_at")
    list_filter = ("status", "phase", "is_public")
    search_fields = ("code", "name", "id", "stream_id")
    readonly_fields = [f.name for f in Room._meta.fields]
    inlines = [SeatInline]


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ("name", "id", "user", "created_at", "last_seen_at")
    search_fields = ("name", "id")


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("channel_name", "kind", "room", "player", "address", "connected_at", "last_seen_at")
    list_filter = ("kind",)


@admin.register(RejectedCommand)
class RejectedCommandAdmin(admin.ModelAdmin):
    list_display = ("room", "player", "code", "at_version", "correlation_id", "created_at")
    list_filter = ("code",)
    search_fields = ("correlation_id", "room__code")
    readonly_fields = [f.name for f in RejectedCommand._meta.fields]
