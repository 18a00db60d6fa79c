"""Install the maintenance schedule (monitoring.schedule) into django-celery-beat."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from monitoring.schedule import beat_schedule_install, job_seconds


class Command(BaseCommand):
    help = (
        "Create the periodic maintenance tasks for Celery beat (idempotent). Existing tasks keep "
        "the interval staff set in the admin unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="put intervals, enabled flags and queues back to the code's schedule",
        )
        parser.add_argument("--queue", default=None, help="Celery queue the tasks are sent to")

    def handle(self, *args, reset, queue, **options):
        for name, what in beat_schedule_install(reset=reset, queue=queue):
            self.stdout.write(f"{what:9} {name} (every {job_seconds(name)} s)")
