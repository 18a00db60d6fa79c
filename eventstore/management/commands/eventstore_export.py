"""Export one stream as JSON Lines (one stored event per line)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import EventStoreError
from eventstore.selectors import stream_export


class Command(BaseCommand):
    help = "Export a stream (live or archived) as JSON Lines, to stdout or -o FILE."

    def add_arguments(self, parser):
        parser.add_argument("stream", help="stream id")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")

    def handle(self, *args, stream, output, **options):
        try:
            lines = list(stream_export(stream))
        except EventStoreError as exc:
            raise CommandError(str(exc)) from exc
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                for line in lines:
                    fh.write(line + "\n")
            self.stderr.write(f"exported {len(lines)} event(s) of {stream} to {output}")
        else:
            try:
                for line in lines:
                    self.stdout.write(line)
                self.stdout.flush()
            except BrokenPipeError:  # e.g. piped into `head`
                sys.stderr.close()
