"""The database backends: django-prometheus's metrics, without a class per connection."""

from __future__ import annotations

import pytest
from django.db import connection
from django_prometheus.db import execute_total


def _executes() -> float:
    return execute_total.labels(connection.alias, connection.vendor)._value.get()


def _reconnect_and_query() -> type:
    connection.close()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return type(cursor.cursor)


@pytest.mark.django_db(transaction=True)
def test_every_connection_uses_the_same_counting_cursor_class() -> None:
    first = _reconnect_and_query()
    second = _reconnect_and_query()
    assert first is second
    assert first.__qualname__ == "ExportingCursorWrapper.<locals>.CursorWrapper"


@pytest.mark.django_db(transaction=True)
def test_queries_are_still_counted_for_prometheus() -> None:
    before = _executes()
    _reconnect_and_query()
    assert _executes() == before + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_postgresql_connection_uses_the_same_counting_cursor_class() -> None:
    assert connection.vendor == "postgresql"
    assert _reconnect_and_query() is _reconnect_and_query()
    before = _executes()
    _reconnect_and_query()
    assert _executes() == before + 1
