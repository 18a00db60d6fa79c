"""An inline projection: one read-model row updated in the same atomic write
as an append, never one without the other."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from eventstore.errors import ConcurrencyError, InvalidEvent
from eventstore.models import Event
from eventstore.selectors import stream_verify, stream_version
from eventstore.services import event_append
from eventstore.types import Projection
from tests.eventstore.conftest import ev

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def group_projection(group_id: int, name: str) -> Projection:
    return Projection(table="auth_group", key_column="id", key=group_id, values={"name": name})


def append_projected(group_id: int, name: str, events: list, expected_version: int) -> None:
    """Append to stream "s" with the group row's name projected in the same write."""
    event_append(
        stream_id="s",
        events=events,
        expected_version=expected_version,
        projection=group_projection(group_id, name),
    )


@pytest.fixture
def group() -> Group:
    return Group.objects.create(name="v0")


def test_append_with_projection_writes_events_and_row_together(group: Group) -> None:
    append_projected(group.pk, "v1", [ev(1)], 0)
    append_projected(group.pk, "v3", [ev(2), ev(3)], 1)

    group.refresh_from_db()
    assert group.name == "v3"
    assert stream_version("s") == 3
    assert stream_verify("s").ok


def test_a_conflict_leaves_the_projection_row_untouched(group: Group) -> None:
    event_append(stream_id="s", events=[ev(1)], expected_version=0)

    with pytest.raises(ConcurrencyError):
        append_projected(group.pk, "never", [ev(2)], 0)
    with pytest.raises(ConcurrencyError):
        append_projected(group.pk, "never", [ev(2)], 5)

    group.refresh_from_db()
    assert group.name == "v0"
    assert stream_version("s") == 1


@pytest.mark.parametrize("existing", [False, True])
def test_a_missing_projection_row_appends_nothing(existing: bool) -> None:
    version = 0
    if existing:
        version = event_append(stream_id="s", events=[ev(1)], expected_version=0)[-1].version

    with pytest.raises(InvalidEvent, match="does not exist"):
        append_projected(987654, "x", [ev(2)], version)

    assert Event.objects.filter(stream_id="s").count() == version
    assert stream_version("s") == version


@pytest.mark.parametrize(
    "projection",
    [
        Projection(table="auth_group; DROP TABLE x", key_column="id", key=1, values={"name": "x"}),
        Projection(table="auth_group", key_column="id", key=1, values={"na me": "x"}),
        Projection(table="auth_group", key_column="id", key=1, values={}),
    ],
)
def test_a_malformed_projection_is_refused_before_anything_is_written(projection) -> None:
    with pytest.raises(InvalidEvent, match="projection"):
        event_append(stream_id="s", events=[ev(1)], expected_version=0, projection=projection)
    assert stream_version("s") == 0


def test_recorded_at_must_be_an_aware_datetime() -> None:
    from datetime import datetime

    with pytest.raises(InvalidEvent, match="recorded_at"):
        event_append(stream_id="s", events=[ev(1)], expected_version=0, recorded_at="now")
    with pytest.raises(InvalidEvent, match="timezone-aware"):
        event_append(stream_id="s", events=[ev(1)], expected_version=0, recorded_at=datetime.now())
    assert stream_version("s") == 0


@pytest.mark.postgres
def test_on_postgresql_append_and_projection_are_one_statement(group: Group) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement append is PostgreSQL's")
    seen: list[str] = []

    def spy(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql.split()[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        append_projected(group.pk, "v1", [ev(1)], 0)
        append_projected(group.pk, "v2", [ev(2)], 1)

    assert seen == ["WITH", "WITH"]
    group.refresh_from_db()
    assert group.name == "v2"
