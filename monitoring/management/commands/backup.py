"""Back up every event stream to a directory or a single .jsonl file."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import EventStoreError
from monitoring.backup import backup_write


class Command(BaseCommand):
    help = (
        "Export all event streams (live, finished and archived). PATH ending in .jsonl: one file; "
        "otherwise a directory with one file per stream and manifest.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--stream", action="append", dest="streams", help="only this stream (repeatable)"
        )

    def handle(self, *args, path, streams, **options):
        try:
            result = backup_write(path=path, stream_ids=streams)
        except (OSError, EventStoreError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backed up {result.streams} stream(s), {result.events} event(s) to {result.path}"
        )
