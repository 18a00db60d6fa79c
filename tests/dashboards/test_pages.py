"""Access rules of every /ops/ page, the admin links and actions, and the SVG charts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from eventstore.models import ArchivedStream, Stream
from games.models import Room
from monitoring.dashboards import charts
from tests.dashboards.conftest import bot_game

PAGES = [
    "/ops/",
    "/ops/performance/",
    "/ops/resources/",
    "/ops/games/",
    "/ops/alerts/",
    "/ops/rooms/",
]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login() -> None:
    room = bot_game("An", finish=False)
    for url in [*PAGES, f"/ops/rooms/{room.code}/", f"/ops/rooms/{room.code}/?version=3"]:
        res = Client().get(url)
        assert res.status_code == 302, url
        assert res["Location"].startswith("/admin/login/?next=/ops/"), url


@pytest.mark.django_db
def test_logged_in_non_staff_get_403_on_every_page(plain_user) -> None:
    room = bot_game("Bea", finish=False)
    client = Client()
    client.force_login(plain_user)
    for url in [*PAGES, f"/ops/rooms/{room.code}/"]:
        res = client.get(url)
        assert res.status_code == 403, url
        assert b"Staff only" in res.content and room.name.encode() not in res.content


@pytest.mark.django_db
def test_staff_see_every_page_and_the_range_filter(staff_user) -> None:
    room = bot_game("Cal")
    client = Client()
    client.force_login(staff_user)
    for url in PAGES:
        for rng in ("1h", "7d", "bogus"):
            assert client.get(f"{url}?range={rng}").status_code == 200, url
    res = client.get(f"/ops/rooms/{room.id}/?version=2")
    assert res.status_code == 200 and b'id="replay-version">2<' in res.content
    assert client.get("/ops/rooms/NOPE99/").status_code == 404
    assert client.get(f"/ops/rooms/{room.code}/?version=abc").status_code == 200


@pytest.mark.django_db
def test_admin_index_links_the_dashboards_and_rooms_link_their_audit(staff_user) -> None:
    room = bot_game("Dot", finish=False)
    client = Client()
    client.force_login(staff_user)
    index = client.get("/admin/").content.decode()
    for url in PAGES:
        assert f'href="{url}"' in index
    rooms = client.get("/admin/games/room/").content.decode()
    assert f'href="/ops/rooms/{room.code}/"' in rooms


@pytest.mark.django_db
def test_admin_bulk_actions_verify_close_and_archive(staff_user) -> None:
    room = bot_game("Eli")
    client = Client()
    client.force_login(staff_user)

    def act(action: str, url: str = "/admin/games/room/", pk=None):
        return client.post(
            url, {"action": action, "_selected_action": [pk or room.pk]}, follow=True
        )

    assert f"{room.code}: OK" in act("verify_streams").content.decode()
    assert "close the room first" in act("archive_now").content.decode()
    act("close_rooms")
    assert Room.objects.get(pk=room.pk).status == "closed"
    assert "archived" in act("archive_now").content.decode()
    assert ArchivedStream.objects.filter(stream_id=room.stream_id).exists()
    # the audit page still reads the archived stream
    assert client.get(f"/ops/rooms/{room.code}/").status_code == 200
    res = act("verify_streams", "/admin/eventstore/stream/", pk=room.stream_id)
    assert f"{room.stream_id}: ok" in res.content.decode().lower()  # the admin capitalises
    other = bot_game("Fin", finish=False)
    res = act("archive_now", "/admin/eventstore/stream/", pk=other.stream_id)
    assert "not finished" in res.content.decode()
    assert Stream.objects.get(stream_id=other.stream_id).archived_at is None


# --- charts -------------------------------------------------------------------------


def test_line_chart_draws_bands_lines_and_gaps() -> None:
    now = timezone.now()
    points = [
        (now - timedelta(minutes=m), v)
        for m, v in ((50, 10.0), (40, 70.0), (30, None), (20, 90.0), (10, 95.0))
    ]
    svg = str(
        charts.line_chart(
            {"CPU <&>": points},
            title="CPU & co",
            since=now - timedelta(hours=1),
            until=now,
            unit="%",
            y_max=100,
            bands={"warning": 60.0, "critical": 80.0},
        )
    )
    assert svg.count('class="band band-') == 3
    assert "warning 60%" in svg and "critical 80%" in svg
    assert svg.count("<polyline") == 2  # the None splits the line in two
    assert "CPU &amp; co" in svg and "CPU &lt;&amp;&gt;" in svg and "<&>" not in svg


def test_line_chart_without_data_says_so() -> None:
    now = timezone.now()
    svg = str(
        charts.line_chart({"p95": []}, title="Latency", since=now - timedelta(hours=1), until=now)
    )
    assert "No samples in this range" in svg and "<polyline" not in svg


def test_bar_chart_writes_each_value() -> None:
    svg = str(charts.bar_chart(["Seat 0", "Seat 1"], [50.0, 0.0], title="Win rate", unit="%"))
    assert 'data-label="Seat 0" data-value="50"' in svg and ">50%</text>" in svg
    assert 'data-label="Seat 1" data-value="0"' in svg


def test_nice_ceiling_and_number_format() -> None:
    assert [charts.nice_ceiling(v) for v in (0.7, 3, 7.1, 180)] == [1.0, 5.0, 10.0, 200.0]
    assert charts.fmt_number(1_500_000, "B/s") == "1.5 MB/s"
    assert charts.fmt_number(2.5, " ms") == "2.5 ms"
