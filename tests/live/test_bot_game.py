"""A real browser-like client against a real daphne process: 1 human + 3 bots to game over."""

from __future__ import annotations

import asyncio

import pytest

from bench.common import Client, create_player, create_room, http_request

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

FAST = {
    "target_score": 5,
    "action_time_limit": 0,
    "bot_delay": 0,
    "turn_pause": 0,
    "round_pause": 0,
}


async def test_one_human_and_three_bots_play_to_game_over(live_servers, ops_token):
    server = live_servers(WS_RATE_LIMIT_PER_ADDRESS=100000)
    session = await asyncio.to_thread(create_player, server.url, "Ana")
    room = await asyncio.to_thread(create_room, server.url, session, settings=FAST)
    ana = Client(server.url, "Ana", session)
    await ana.connect(room["code"])
    try:
        await ana.wait_for(lambda: ana.state is not None, 10, "first state")
        assert ana.seat == 0 and ana.state["you"]["is_host"]
        for seat in (1, 2, 3):
            reply = await ana.request({"type": "add_bot", "seat": seat})
            assert reply["type"] == "ack", reply
        reply = await ana.request({"type": "start"})
        assert reply["type"] == "ack", reply

        await ana.play_to_game_over(timeout=45)

        game = ana.game
        assert game["phase"] == "GAME_OVER"
        assert max(game["totals"]) >= 5
        assert game["game_over"]["winners"]
        assert not ana.errors, ana.errors
        versions = [v for v, _ in ana.state_times]
        assert versions == sorted(set(versions)), "state versions must strictly increase"
        audit = await asyncio.to_thread(
            http_request, server.url, "GET", f"/api/rooms/{room['room_id']}/state", token=ops_token
        )
        assert audit.status == 200
        assert audit.body["version"] == ana.version
        assert audit.body["state"]["game"]["phase"] == "GAME_OVER"
    finally:
        await ana.close()


async def test_the_actor_also_receives_the_events_of_its_own_action(live_servers, ops_token):
    """``event`` frames are for animation: the player whose play completed a turn must get the
    ``played``/``turn_won``/``round_scored`` events too, not only the three others (its own
    ``ack`` + ``state`` must not make it skip the group's ``room.changed`` events)."""
    from tests.live.helpers import audit_events, event_versions, own_commit_versions

    server = live_servers(WS_RATE_LIMIT_PER_ADDRESS=100000)
    session = await asyncio.to_thread(create_player, server.url, "Ana")
    room = await asyncio.to_thread(create_room, server.url, session, settings=FAST)
    ana = Client(server.url, "Ana", session)
    await ana.connect(room["code"])
    try:
        await ana.wait_for(lambda: ana.state is not None, 10, "first state")
        first_version = ana.version
        for seat in (1, 2, 3):
            assert (await ana.request({"type": "add_bot", "seat": seat}))["type"] == "ack"
        assert (await ana.request({"type": "start"}))["type"] == "ack"
        await ana.play_to_game_over(timeout=45)
        last_seen = ana.version  # the game-over state
    finally:
        await ana.close()
    stored = await asyncio.to_thread(audit_events, server.url, ops_token, room["room_id"])
    # Only what happened while Ana was there: with a disconnect grace of 0 the
    # server records her leaving (player_away) right after she closes.
    expected = {e["version"] for e in stored if first_version < e["version"] <= last_seen}
    missing = expected - event_versions(ana)
    assert missing <= own_commit_versions(ana), "events of other actors' commits were lost"
    assert not missing, (
        f"{len(missing)} of {len(expected)} events never reached the acting client, "
        f"all from its own commands: e.g. {[stored[v - 1]['type'] for v in sorted(missing)[:8]]}"
    )
