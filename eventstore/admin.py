"""Read-only admin: ops staff can look, never add, change or delete."""

from __future__ import annotations

from django.contrib import admin

from eventstore.models import ArchivedStream, Event, Snapshot, Stream


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Stream)
class StreamAdmin(ReadOnlyAdmin):
    list_display = (
        "stream_id",
        "version",
        "created_at",
        "updated_at",
        "finished_at",
        "archived_at",
    )
    list_filter = (
        ("finished_at", admin.EmptyFieldListFilter),
        ("archived_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("stream_id",)
    ordering = ("-updated_at",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("position", "stream_id", "version", "type", "correlation_id", "recorded_at")
    list_filter = ("type",)
    search_fields = ("=stream_id", "=correlation_id")
    ordering = ("-position",)
    show_full_result_count = False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("stream_id", "version", "created_at")
    search_fields = ("=stream_id",)
    ordering = ("-created_at",)


@admin.register(ArchivedStream)
class ArchivedStreamAdmin(ReadOnlyAdmin):
    list_display = ("stream_id", "event_count", "raw_bytes", "compressed_bytes", "archived_at")
    search_fields = ("=stream_id",)
    exclude = ("payload",)
    ordering = ("-archived_at",)
