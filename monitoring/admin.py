"""Admin: the emergency levers (one editable row), the recovery log and the samples."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from monitoring.levers import forget_cached_levers, invalid_block_entries
from monitoring.models import LeverSettings, RecoveryAction, ResourceSample
from monitoring.security import record_security_event


class LeverSettingsForm(forms.ModelForm):
    class Meta:
        model = LeverSettings
        fields = (
            "maintenance_mode",
            "read_only",
            "blocked_addresses",
            "rate_limit_per_connection",
            "rate_limit_per_address",
        )

    def clean_blocked_addresses(self) -> str:
        text = self.cleaned_data.get("blocked_addresses") or ""
        bad = invalid_block_entries(text)
        if bad:
            raise forms.ValidationError(f"Not an IP address or network: {', '.join(bad)}")
        return text

    def clean(self):
        data = super().clean()
        for key in ("rate_limit_per_connection", "rate_limit_per_address"):
            if data.get(key) == 0:
                self.add_error(key, "Use at least 1 message per second (empty = the default).")
        return data


@admin.register(LeverSettings)
class LeverSettingsAdmin(admin.ModelAdmin):
    """A singleton: the list page goes straight to the one row."""

    form = LeverSettingsForm
    readonly_fields = ("updated_at", "updated_by")
    fieldsets = (
        (
            "Service",
            {
                "fields": ("maintenance_mode", "read_only"),
                "description": "Effective in every process within 2 seconds.",
            },
        ),
        (
            "Abuse",
            {
                "fields": (
                    "blocked_addresses",
                    "rate_limit_per_connection",
                    "rate_limit_per_address",
                )
            },
        ),
        ("Last change", {"fields": ("updated_at", "updated_by")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not LeverSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        row, _ = LeverSettings.objects.get_or_create(pk=LeverSettings.SINGLETON_PK)
        return HttpResponseRedirect(reverse("admin:monitoring_leversettings_change", args=[row.pk]))

    def save_model(self, request: HttpRequest, obj: LeverSettings, form, change: bool) -> None:
        obj.updated_by = getattr(request.user, "username", "")[:150]
        super().save_model(request, obj, form, change)
        forget_cached_levers()
        record_security_event(
            "levers_changed", by=obj.updated_by or "-", changes=sorted(form.changed_data)
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RecoveryAction)
class RecoveryActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "target", "outcome", "duration_ms", "correlation_id")
    list_filter = ("outcome", "action")
    search_fields = ("target", "correlation_id", "error")
    date_hierarchy = "created_at"


@admin.register(ResourceSample)
class ResourceSampleAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "host",
        "cpu_percent",
        "memory_percent",
        "disk_percent",
        "rooms_active",
        "games_in_progress",
        "connections_active",
    )
    date_hierarchy = "created_at"
