"""Archive finished streams older than the retention period."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from eventstore.selectors import eventstore_stats
from eventstore.services import streams_archive_finished


class Command(BaseCommand):
    help = (
        "Compress finished streams older than the retention period into the archive table "
        "(default EVENT_RETENTION_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=float,
            default=None,
            help=f"retention in days (default {settings.LIAPTUI['EVENT_RETENTION_DAYS']})",
        )

    def handle(self, *args, older_than_days, **options):
        if older_than_days is not None and older_than_days < 0:
            raise CommandError("--older-than-days must not be negative")
        days = (
            settings.LIAPTUI["EVENT_RETENTION_DAYS"] if older_than_days is None else older_than_days
        )
        count = streams_archive_finished(older_than=timedelta(days=days))
        stats = eventstore_stats(top=0)
        ratio = stats["compression_ratio"]
        self.stdout.write(
            f"archived {count} finished stream(s) older than {days:g} day(s); "
            f"{stats['streams']['archived']} archived in total, "
            f"compression ratio {ratio if ratio is not None else '-'}"
        )
