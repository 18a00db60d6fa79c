"""Database backends: django-prometheus's, with one cursor class per database.

django-prometheus 2.5 builds a new ``CursorWrapper`` class (a subclass of
the driver's cursor, with two closures) every time Django connects on
PostgreSQL, and for every cursor on SQLite. With connection pooling Django
"connects" once per service call, so a server process made about 9,600
classes in a 40-second load run at 200 rooms. Each is cyclic garbage (a
type, its dict, MRO, functions and cells) that only the cyclic collector can
free. It made the young collections that paused the process for 18-57 ms and
the full collections that paused it for 105-137 ms (docs/performance.md).
The class depends only on (driver cursor class, alias, vendor), so it is
built once per combination here; the metrics are the same.
"""

from __future__ import annotations

from functools import cache

from django_prometheus.db.common import ExportingCursorWrapper


@cache
def exporting_cursor_class(cursor_class: type, alias: str, vendor: str) -> type:
    """django-prometheus's counting cursor class for this database, built once."""
    return ExportingCursorWrapper(cursor_class, alias, vendor)
