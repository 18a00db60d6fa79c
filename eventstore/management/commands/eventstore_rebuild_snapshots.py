"""Rebuild snapshots with the registered snapshot builder."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from eventstore.errors import EventStoreError
from eventstore.hooks import snapshot_builders
from eventstore.services import snapshots_rebuild


class Command(BaseCommand):
    help = (
        "Fold streams with the registered snapshot builder (register_snapshot_builder) and save "
        "a snapshot at each stream's last version."
    )

    def add_arguments(self, parser):
        parser.add_argument("streams", nargs="*", help="stream ids (default: every stream)")

    def handle(self, *args, streams, **options):
        if not snapshot_builders():
            raise CommandError(
                "no snapshot builder is registered (an app must call "
                "eventstore.register_snapshot_builder in its AppConfig.ready); nothing rebuilt"
            )
        try:
            counts = snapshots_rebuild(streams or None)
        except EventStoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"snapshots rebuilt: {counts['saved']} saved, {counts['skipped']} stream(s) skipped"
        )
