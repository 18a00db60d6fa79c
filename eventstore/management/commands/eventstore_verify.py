"""Verify event streams: hash chain, versions, positions, replay checks.

Exit status 0 when every stream is intact; 1 (CommandError) naming each
broken stream and version otherwise.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import StreamNotFound
from eventstore.selectors import stream_verify, streams_verify_all


class Command(BaseCommand):
    help = "Verify event streams (all of them, or the ones named). Non-zero exit on any problem."

    def add_arguments(self, parser):
        parser.add_argument("streams", nargs="*", help="stream ids (default: every stream)")

    def handle(self, *args, streams, **options):
        if streams:
            results = []
            for stream_id in streams:
                try:
                    results.append(stream_verify(stream_id))
                except StreamNotFound as exc:
                    raise CommandError(str(exc)) from exc
        else:
            results = streams_verify_all()
        broken = [r for r in results if not r.ok]
        events = sum(r.event_count for r in results)
        archived = sum(1 for r in results if r.archived)
        for result in broken:
            for problem in result.problems:
                where = f"version {problem['version']}" if problem["version"] is not None else "-"
                self.stderr.write(f"BROKEN stream {result.stream_id} {where}: {problem['problem']}")
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(results)} stream(s) failed verification: "
                + ", ".join(r.stream_id for r in broken)
            )
        self.stdout.write(
            f"OK: {len(results)} stream(s) verified ({archived} archived), {events} events, "
            "hash chains intact, no version gaps"
        )
