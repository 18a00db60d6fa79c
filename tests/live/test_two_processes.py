"""Two server processes on PostgreSQL + Redis, four humans split across them."""

from __future__ import annotations

import asyncio

import pytest

from tests.live.helpers import (
    FAST_PLAY_ENV,
    audit_events,
    audit_get,
    close_all,
    event_versions,
    four_human_room,
    play_all,
)

pytestmark = [
    pytest.mark.live,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


async def test_four_players_on_two_processes_finish_the_game_and_all_see_every_version(
    live_servers, ops_token
):
    a = live_servers(**FAST_PLAY_ENV)
    b = live_servers(**FAST_PLAY_ENV)
    # seats 0 and 2 on A, 1 and 3 on B: consecutive actors are always on different processes
    room, clients = await four_human_room([a.url, b.url])
    assert [c.base_url for c in clients] == [a.url, b.url, a.url, b.url]
    start_version = clients[0].acks[-1]["version"]
    try:
        await play_all(clients, timeout=60)
        # the last commit reaches everyone (the game-over state)
        final = max(c.version for c in clients)
        await asyncio.gather(*(c.wait_version(final, 10) for c in clients))
        # read the audit trail before the sockets close (leaving appends player_away events)
        audit = await asyncio.to_thread(
            audit_get, a.url, ops_token, f"/api/rooms/{room['room_id']}/state"
        )
        stored = await asyncio.to_thread(audit_events, b.url, ops_token, room["room_id"])
    finally:
        await close_all(clients)

    assert audit["state"]["game"]["phase"] == "GAME_OVER"
    assert stored[-1]["version"] == audit["version"]

    seen: dict[str, list[int]] = {}
    for c in clients:
        versions = [v for v, _ in c.state_times]
        assert versions == sorted(set(versions)), f"{c.name}: versions not strictly increasing"
        assert versions[-1] == audit["version"], (
            f"{c.name} ended at {versions[-1]}, not {audit['version']}"
        )
        assert c.states[-1]["game"]["phase"] == "GAME_OVER"
        assert not c.errors, (c.name, c.errors)
        seen[c.name] = [v for v in versions if v >= start_version]
    published = set().union(*map(set, seen.values()))
    by_name = {c.name: c for c in clients}
    for name, versions in seen.items():
        # A state can be superseded before it is sent (two seats deciding a redeal
        # at once: a player's own newer result overtakes the other's change), but
        # every version still reaches every player, as a state or in an event frame.
        missed = sorted(published - set(versions) - event_versions(by_name[name]))
        assert not missed, f"{name} missed versions {missed}"
    # a whole game: at least 4 declarations and two turns of 4 plays (a play may be 1-6 pieces)
    assert len(published) >= 12

    # every stored event after a client joined reached it as an ``event`` frame, its own too
    for c in clients:
        joined = c.state_times[0][0]
        expected = {e["version"] for e in stored if e["version"] > joined}
        missing = expected - event_versions(c)
        assert not missing, f"{c.name} never got events {sorted(missing)}"
