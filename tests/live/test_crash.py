"""kill -9 the server mid-game, start another process, reconnect: nothing accepted is lost."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from bench.common import Client, create_player, create_room
from tests.live.helpers import FAST_PLAY_ENV, audit_events, audit_get

pytestmark = [
    pytest.mark.live,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

PACED = {
    "target_score": 5,
    # On a loaded machine the bots may move before the kill lands, so the room can
    # await Ana when she reconnects; the time limit makes sure something is still due
    # then (her timeout), so only the re-plan on reconnect can move the room. It is far
    # above the test client's reaction time, so it never fires while Ana plays.
    "action_time_limit": 5,
    "bot_delay": 0.05,
    "turn_pause": 0,
    "round_pause": 0,
}


def _sweep() -> dict[str, int]:
    from games.services import rooms_advance_overdue

    return rooms_advance_overdue()


def bot_awaited(c: Client) -> bool:
    g = c.game
    return (
        g.get("round", 0) >= 1
        and g.get("phase") in ("DECLARATION", "TURN")
        and bool(g.get("awaiting"))
        and c.seat not in g["awaiting"]
    )


async def crash_and_resume(live_servers, ops_token: str, *, use_sweep: bool) -> dict[str, Any]:
    first = live_servers(**FAST_PLAY_ENV)
    session = await asyncio.to_thread(create_player, first.url, "Ana")
    room = await asyncio.to_thread(create_room, first.url, session, settings=PACED)
    ana = Client(first.url, "Ana", session)
    await ana.connect(room["code"])
    await ana.wait_for(lambda: ana.state is not None, 10, "first state")
    for seat in (1, 2, 3):
        assert (await ana.request({"type": "add_bot", "seat": seat}))["type"] == "ack"
    assert (await ana.request({"type": "start"}))["type"] == "ack"
    start_version = ana.version
    playing = asyncio.ensure_future(ana.play_to_game_over(timeout=60))
    try:
        # mid-game, in the 50 ms while a bot's move is planned in this process's memory only
        await ana.wait_for(
            lambda: ana.version > start_version + 12 and bot_awaited(ana),
            30,
            "a bot to be awaited in round 1+",
        )
        first.kill9()
        last = ana.state
    finally:
        await asyncio.wait([playing], timeout=5)
        if not playing.done():
            playing.cancel()
        try:
            await playing  # ends with ConnectionError: the server died under it
        except (ConnectionError, asyncio.CancelledError, TimeoutError):
            pass
        await ana.close()
    acked = [a["version"] for a in ana.acks]

    second = live_servers(**FAST_PLAY_ENV)
    again = Client(second.url, "Ana", session)
    await again.connect(room["code"])
    try:
        await again.wait_for(lambda: again.state is not None, 10, "state after reconnect")
        back = again.state
        assert back["version"] >= last["version"]
        assert back["you"]["seat"] == 0
        if back["version"] == last["version"]:
            assert back["game"] == last["game"], "same version, different state"
        else:  # moves accepted before the kill whose frames never arrived
            old = await asyncio.to_thread(
                audit_get,
                second.url,
                ops_token,
                f"/api/rooms/{room['room_id']}/state?version={last['version']}",
            )
            assert sorted(old["state"]["game"]["hands"][0]) == sorted(last["game"]["hand"])

        # does anything move on its own after the reconnect? (no maintenance runs in
        # these servers, so only the re-plan on reconnect can move the room: a bot's
        # move within 50 ms, or Ana's timeout within the 5 s limit)
        moved = True
        try:
            await again.wait_for(
                lambda: again.version > back["version"], 10, "a move after reconnect"
            )
        except TimeoutError:
            moved = False
        if not moved and not use_sweep:
            return {
                "moved_without_sweep": False,
                "awaiting": back["game"].get("awaiting"),
                "phase": back["game"].get("phase"),
                "log": second.log_tail(60),
            }

        done = asyncio.ensure_future(again.play_to_game_over(timeout=60))
        deadline = time.monotonic() + 60
        sweeps = 0
        while not done.done() and time.monotonic() < deadline:
            if use_sweep:
                before = again.version
                await asyncio.sleep(0.3)
                if again.version == before and not again.my_turn() and not again.game_over():
                    await sync_to_async(_sweep)()  # the maintenance backstop, run from here
                    sweeps += 1
            else:
                await asyncio.sleep(0.1)
        await done
        final = again.state
        stored = await asyncio.to_thread(audit_events, second.url, ops_token, room["room_id"])
    finally:
        await again.close()
    assert final["game"]["phase"] == "GAME_OVER"
    versions = {e["version"] for e in stored}
    all_acks = acked + [a["version"] for a in again.acks]
    assert all(v in versions and v <= final["version"] for v in all_acks), (
        "an accepted action was lost"
    )
    assert max(versions) >= final["version"]
    assert not again.errors, again.errors
    return {
        "moved_without_sweep": moved,
        "sweeps": sweeps,
        "acks": len(all_acks),
        "killed_at": last["version"],
        "resumed_at": back["version"],
        "final": final["version"],
    }


async def test_kill_9_mid_game_then_reconnect_to_a_new_process_loses_nothing(
    live_servers, ops_token
):
    result = await crash_and_resume(live_servers, ops_token, use_sweep=True)
    print("crash test:", result)
    assert result["final"] > result["killed_at"]


async def test_after_a_crash_the_game_resumes_when_a_player_reconnects(live_servers, ops_token):
    """The bot move planned in the dead process's memory is re-planned when the player
    reconnects to another process, without waiting for the maintenance sweep (Celery beat)."""
    result = await crash_and_resume(live_servers, ops_token, use_sweep=False)
    assert result["moved_without_sweep"], (
        "no move within 10 s of reconnecting: the room is stalled until the maintenance sweep "
        f"runs (phase {result['phase']}, awaiting {result['awaiting']}); "
        f"second server's log:\n{result['log']}"
    )
