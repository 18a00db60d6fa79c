"""Data integrity: every event stream (eventstore_verify) and the room projections."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from games.housekeeping import projections_check


class Command(BaseCommand):
    help = (
        "Verify hash chains, version gaps and snapshot == replay of every stream, then that the "
        "Room/Seat tables match the streams. Non-zero exit on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("streams", nargs="*", help="stream ids (default: every stream)")

    def handle(self, *args, streams, **options):
        failure = None
        try:
            call_command("eventstore_verify", *streams, stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            failure = str(exc)
        problems = [] if streams else projections_check()
        for p in problems:
            self.stderr.write(f"PROJECTION {p['stream_id']}: {p['problem']}")
        if problems:
            self.stderr.write(
                "fix with: manage.py restore --help, or rebuild projections with "
                "manage.py shell -c 'from games.housekeeping import projections_rebuild; "
                "projections_rebuild()'"
            )
        if failure or problems:
            raise CommandError(
                "; ".join(
                    filter(
                        None,
                        [failure, f"{len(problems)} projection problem(s)" if problems else ""],
                    )
                )
            )
        if not streams:
            self.stdout.write("OK: room projections match their streams")
