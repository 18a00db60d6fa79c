"""Import (restore) a stream from a JSON Lines export."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import EventStoreError
from eventstore.services import stream_import


class Command(BaseCommand):
    help = (
        "Restore a stream from eventstore_export JSON Lines; hashes are checked and the stream "
        "verified. Refuses an existing stream unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines file ('-' for stdin)")
        parser.add_argument("--replace", action="store_true", help="overwrite an existing stream")

    def handle(self, *args, file, replace, **options):
        try:
            if file == "-":
                import sys

                result = stream_import(sys.stdin, replace=replace)
            else:
                with open(file, encoding="utf-8") as fh:
                    result = stream_import(fh, replace=replace)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        except EventStoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"imported stream {result.stream_id}: {result.event_count} event(s), verified OK"
        )
