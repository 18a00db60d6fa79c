"""Restore event streams from a backup and rebuild the projections."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import EventStoreError
from monitoring.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Import every stream of a backup (directory or .jsonl), checking each hash chain, then "
        "rebuild snapshots and the Room/Seat tables from the streams. Existing streams are refused "
        "unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true", help="overwrite streams that exist")
        parser.add_argument(
            "--no-rebuild",
            action="store_true",
            help="import only; do not rebuild snapshots and projections",
        )

    def handle(self, *args, path, replace, no_rebuild, **options):
        try:
            summary = backup_restore(path=path, replace=replace, rebuild=not no_rebuild)
        except (OSError, ValueError, EventStoreError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {summary['streams']} stream(s), {summary['events']} event(s)"
            + (
                f"; rebuilt {summary['projections']['rooms']} room(s)"
                if "projections" in summary
                else ""
            )
        )
