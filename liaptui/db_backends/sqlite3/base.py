"""SQLite with django-prometheus's metrics and one cursor class (see the package)."""

from __future__ import annotations

from typing import Any

from django_prometheus.db.backends.sqlite3 import base as prometheus_base

from liaptui.db_backends import exporting_cursor_class


class DatabaseWrapper(prometheus_base.DatabaseWrapper):
    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(
            factory=exporting_cursor_class(self.CURSOR_CLASS, self.alias, self.vendor)
        )
