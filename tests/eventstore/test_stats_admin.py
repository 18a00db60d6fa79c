"""The stats endpoint (access control and figures) and the read-only admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from eventstore.models import ArchivedStream
from eventstore.selectors import eventstore_stats
from eventstore.services import event_append, stream_archive, stream_mark_finished
from eventstore.types import NewEvent

pytestmark = [pytest.mark.backends, pytest.mark.django_db]

URL = "/api/event-store/stats"
TOKEN = "ops-token-for-tests-0123456789"


@pytest.fixture
def ops_token(settings):
    settings.OPS_API_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def written():
    """3 streams: 'big' live (5 events), 'done' finished (2), 'old' archived (3)."""
    event_append(
        stream_id="big",
        events=[NewEvent("A", {"i": i}) for i in range(3)] + [NewEvent("B", {"i": 9})],
        expected_version=0,
    )
    event_append(stream_id="big", events=[NewEvent("C", {})], expected_version=4)
    event_append(
        stream_id="done", events=[NewEvent("A", {}), NewEvent("B", {})], expected_version=0
    )
    stream_mark_finished("done")
    event_append(
        stream_id="old",
        events=[NewEvent("A", {"text": "same text " * 50}) for _ in range(3)],
        expected_version=0,
    )
    stream_archive("old")


def test_anonymous_gets_401(client, written):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_non_staff_user_and_wrong_token_get_403(client, written, ops_token):
    user = get_user_model().objects.create_user("player", password="pw-123456789")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL, headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_staff_and_token_get_figures_matching_what_was_written(client, written, ops_token):
    staff = get_user_model().objects.create_user("ops", password="pw-123456789", is_staff=True)
    client.force_login(staff)
    by_session = client.get(URL)
    client.logout()
    by_token = client.get(URL, headers={"Authorization": f"Bearer {TOKEN}"})
    assert by_session.status_code == by_token.status_code == 200

    stats = by_token.json()
    archive = ArchivedStream.objects.get()
    assert stats["events"] == {
        "total": 10,
        "live": 7,
        "archived": 3,
        "per_type": {"A": 7, "B": 2, "C": 1},
    }
    assert stats["streams"]["total"] == 3
    assert (
        stats["streams"]["live"],
        stats["streams"]["finished"],
        stats["streams"]["archived"],
    ) == (
        1,
        1,
        1,
    )
    assert stats["streams"]["top"] == [
        {"stream_id": "big", "events": 5, "archived": False},
        {"stream_id": "old", "events": 3, "archived": True},
        {"stream_id": "done", "events": 2, "archived": False},
    ]
    storage = stats["storage_bytes"]
    assert storage["archive_raw"] == archive.raw_bytes
    assert storage["archive_compressed"] == archive.compressed_bytes
    assert storage["event_rows_json"] > 0
    assert stats["compression_ratio"] == round(archive.raw_bytes / archive.compressed_bytes, 2) > 1
    assert client.get(URL + "?top=1", headers={"Authorization": f"Bearer {TOKEN}"}).json()[
        "streams"
    ]["top"] == [{"stream_id": "big", "events": 5, "archived": False}]


def test_stats_on_an_empty_store():
    stats = eventstore_stats()
    assert stats["events"]["total"] == 0
    assert stats["compression_ratio"] is None
    assert stats["storage_bytes"] == {
        "event_rows_json": 0,
        "archive_raw": 0,
        "archive_compressed": 0,
    }


def test_admin_is_read_only_and_searchable_by_correlation_id(admin_client, written):
    event_append(
        stream_id="big",
        events=[NewEvent("D", {}, {"correlation_id": "corr-42"})],
        expected_version=5,
    )
    for model in ("event", "snapshot", "stream", "archivedstream"):
        response = admin_client.get(f"/admin/eventstore/{model}/")
        assert response.status_code == 200, model
        assert admin_client.get(f"/admin/eventstore/{model}/add/").status_code == 403
    response = admin_client.get("/admin/eventstore/event/?q=corr-42")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = admin_client.get("/admin/eventstore/stream/?q=big")
    assert response.context["cl"].result_count == 1
