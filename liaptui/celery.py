"""The Celery app. Tasks are thin shells over services (see monitoring.tasks)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaptui.settings")

app = Celery("liaptui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
