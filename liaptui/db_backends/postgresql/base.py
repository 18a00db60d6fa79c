"""PostgreSQL with django-prometheus's metrics and one cursor class (see the package)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base as django_base
from django_prometheus.db.backends.postgresql import base as prometheus_base

from liaptui.db_backends import exporting_cursor_class


class DatabaseWrapper(prometheus_base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        # Django's parameters, then the cached counting cursor in place of the
        # fresh class django-prometheus's own override would build.
        params = django_base.DatabaseWrapper.get_connection_params(self)
        params["cursor_factory"] = exporting_cursor_class(
            params["cursor_factory"], self.alias, self.vendor
        )
        return params
