"""Read-only admin: ops staff can look, never add, change or delete."""

from __future__ import annotations

from django.contrib import admin, messages

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
    actions = ["verify_streams", "archive_now"]

    @admin.action(description="Verify the selected streams (hash chain, versions, replay)")
    def verify_streams(self, request, queryset) -> None:
        from eventstore.selectors import stream_verify

        for stream in queryset:
            result = stream_verify(stream.stream_id)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{stream.stream_id}: {result.summary()}", level)

    @admin.action(description="Archive the selected finished streams now")
    def archive_now(self, request, queryset) -> None:
        from eventstore.errors import IntegrityViolation
        from eventstore.services import stream_archive

        for stream in queryset:
            if stream.finished_at is None:
                self.message_user(request, f"{stream.stream_id}: not finished, not archived",
                                  messages.WARNING)
                continue
            try:
                info = stream_archive(stream.stream_id)
            except IntegrityViolation as exc:
                self.message_user(request, f"{stream.stream_id}: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"{stream.stream_id}: archived ({info.event_count} events)",
                              messages.SUCCESS)


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
