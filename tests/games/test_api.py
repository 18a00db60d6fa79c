"""HTTP APIs: guest players, room creation, and the staff-only audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from games import services
from games.room_rules import Actor, AddBot, StartGame

pytestmark = pytest.mark.django_db


def _guest(client: Client, name: str = "Ana") -> dict:
    resp = client.post("/api/players", {"name": name}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_guest_name_is_validated_and_bound_to_session() -> None:
    client = Client()
    assert (
        client.post("/api/players", {"name": ""}, content_type="application/json").json()["error"][
            "code"
        ]
        == "bad_name"
    )
    assert (
        client.post("/api/players", {"name": "x" * 25}, content_type="application/json").status_code
        == 400
    )
    assert (
        client.post("/api/players", {"name": "a\x00b"}, content_type="application/json").status_code
        == 400
    )
    assert client.post("/api/players", {"name": "Ana"}).status_code == 400  # form posts refused
    me = _guest(client)
    assert client.get("/api/players").json() == me
    renamed = _guest(client, "Bea")
    assert renamed["player_id"] == me["player_id"] and renamed["name"] == "Bea"


def test_room_creation_needs_a_player_and_valid_settings() -> None:
    client = Client()
    assert client.post("/api/rooms", {}, content_type="application/json").status_code == 403
    _guest(client)
    bad = client.post(
        "/api/rooms", {"settings": {"target_score": 0}}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_settings"
    made = client.post(
        "/api/rooms",
        {"name": "Table", "settings": {"target_score": 20}},
        content_type="application/json",
    ).json()
    listed = client.get("/api/rooms").json()["rooms"]
    assert [r["code"] for r in listed] == [made["code"]]
    assert (
        listed[0]["humans"] == 1
        and listed[0]["free_seats"] == 3
        and listed[0]["target_score"] == 20
    )


def _game_room():
    host = services.player_create(name="Host")
    room = services.room_create(player=host, settings={"target_score": 5, "action_time_limit": 0})
    actor = Actor(str(host.id), "Host")
    for seat in (1, 2, 3):
        services.room_command(room=room, actor=actor, command=AddBot(seat=seat))
    services.room_command(room=room, actor=actor, command=StartGame())
    room.refresh_from_db()
    return room


@pytest.mark.parametrize("suffix", ["events", "state"])
def test_audit_endpoints_refuse_anonymous_and_non_staff(suffix: str, settings) -> None:
    settings.OPS_API_TOKEN = "sekret"
    room = _game_room()
    url = f"/api/rooms/{room.id}/{suffix}"
    assert Client().get(url).status_code == 401
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    user = User.objects.create_user("joe", password="pw")
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer sekret").status_code == 200


def test_audit_events_page_and_state_at_any_version(settings) -> None:
    settings.OPS_API_TOKEN = "sekret"
    room = _game_room()
    auth = {"HTTP_AUTHORIZATION": "Bearer sekret"}
    body = Client().get(f"/api/rooms/{room.code}/events", **auth).json()
    versions = [e["version"] for e in body["events"] if e["kind"] == "event"]
    assert versions == list(range(1, room.version + 1))
    assert {"room_created", "bot_added", "game_started", "hands_dealt"} <= {
        e["type"] for e in body["events"]
    }
    assert all(e["metadata"]["source"] for e in body["events"])
    later = Client().get(f"/api/rooms/{room.id}/events?after=4", **auth).json()
    assert [e["version"] for e in later["events"]][0] == 5
    assert Client().get(f"/api/rooms/{room.id}/events?after=-1", **auth).status_code == 400
    now = Client().get(f"/api/rooms/{room.id}/state", **auth).json()
    assert now["version"] == room.version and len(now["state"]["game"]["hands"][0]) in range(0, 9)
    past = Client().get(f"/api/rooms/{room.id}/state?version=2", **auth).json()
    assert past["version"] == 2 and past["state"]["game"]["phase"] == "WAITING"
    assert Client().get(f"/api/rooms/{room.id}/state?version=999999", **auth).status_code == 400
