"""The Liap Tui Django project: settings, routing, Celery app and logging."""

from .celery import app as celery_app

__all__ = ["celery_app"]
