"""Django admin for rooms, seats, players, connections and refused commands."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

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
    list_display = (
        "code",
        "name",
        "status",
        "phase",
        "round_number",
        "version",
        "games_finished",
        "last_activity_at",
        "audit_link",
    )
    list_filter = ("status", "phase", "is_public")
    search_fields = ("code", "name", "id", "stream_id")
    readonly_fields = [f.name for f in Room._meta.fields] + ["audit_link"]
    inlines = [SeatInline]
    actions = ["close_rooms", "verify_streams", "archive_now"]

    @admin.display(description="Audit trail")
    def audit_link(self, obj: Room) -> str:
        return format_html('<a href="{}">audit</a>', reverse("ops:room-audit", args=[obj.code]))

    @admin.action(description="Close the selected rooms (games stop, seats are freed)")
    def close_rooms(self, request, queryset) -> None:
        from games.engine import RuleViolation
        from games.services import room_close

        closed, skipped = 0, []
        for room in queryset.exclude(status="closed"):
            try:
                room_close(room=room, reason=f"closed by staff ({request.user.get_username()})")
                closed += 1
            except RuleViolation as exc:
                skipped.append(f"{room.code}: {exc.message}")
        self.message_user(request, f"Closed {closed} room(s).", messages.SUCCESS)
        if skipped:
            self.message_user(request, "Not closed: " + "; ".join(skipped), messages.WARNING)

    @admin.action(description="Verify the selected rooms' event streams")
    def verify_streams(self, request, queryset) -> None:
        from eventstore.errors import StreamNotFound
        from eventstore.selectors import stream_verify

        for room in queryset:
            try:
                result = stream_verify(room.stream_id)
            except StreamNotFound:
                self.message_user(request, f"{room.code}: no stream", messages.ERROR)
                continue
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{room.code}: {result.summary()}", level)

    @admin.action(description="Archive the selected closed rooms' streams now")
    def archive_now(self, request, queryset) -> None:
        from eventstore.errors import IntegrityViolation
        from eventstore.services import stream_archive

        for room in queryset:
            if room.status != "closed":
                self.message_user(
                    request, f"{room.code}: not archived (close the room first)", messages.WARNING
                )
                continue
            try:
                info = stream_archive(room.stream_id)
            except IntegrityViolation as exc:
                self.message_user(request, f"{room.code}: {exc}", messages.ERROR)
                continue
            self.message_user(
                request, f"{room.code}: archived ({info.event_count} events)", messages.SUCCESS
            )


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ("name", "id", "user", "created_at", "last_seen_at")
    search_fields = ("name", "id")


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = (
        "channel_name",
        "kind",
        "room",
        "player",
        "address",
        "connected_at",
        "last_seen_at",
    )
    list_filter = ("kind",)


@admin.register(RejectedCommand)
class RejectedCommandAdmin(admin.ModelAdmin):
    list_display = ("room", "player", "code", "at_version", "correlation_id", "created_at")
    list_filter = ("code",)
    search_fields = ("correlation_id", "room__code")
    readonly_fields = [f.name for f in RejectedCommand._meta.fields]
