"""Every bad input over a real socket: an ``error`` with a stable code, nothing changes.

The socket stays open throughout.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest

from bench.common import Client, bot_message, create_player, create_room
from games.engine import POINTS
from tests.live.helpers import FAST, close_all

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

GAP = 0.08  # stay under the per-connection limit (20 msgs/s) until we test it on purpose


async def expect_error(
    client: Client,
    others: list[Client],
    frame: Any,
    code: str | set[str],
    *,
    ref: Any = "auto",
    raw: bool = False,
) -> dict[str, Any]:
    """Send ``frame``: expect ``error`` with ``code``, ``ref`` = our id; versions unchanged."""
    before = {c.name: (await c.sync())["version"] for c in [client, *others]}
    await asyncio.sleep(GAP)
    n_errors = len(client.errors)
    if raw:
        await client.send_raw(frame)
    else:
        if ref == "auto":
            ref = f"bad-{len(client.frames)}"
        await client.send({**frame, "id": ref} if ref is not None else frame)
    await client.wait_for(lambda: len(client.errors) > n_errors, 5, f"error {code}")
    error = client.errors[n_errors]
    codes = {code} if isinstance(code, str) else code
    assert error["code"] in codes, (frame if not raw else frame[:80], error)
    assert isinstance(error["message"], str) and error["message"]
    if not raw and ref is not None:
        assert error["ref"] == ref, error
    await asyncio.sleep(GAP)
    after = {c.name: (await c.sync())["version"] for c in [client, *others]}
    assert after == before, f"{error['code']}: state changed {before} -> {after}"
    assert not client.closed
    await asyncio.sleep(GAP)
    return error


async def drive_to_human_turn(humans: list[Client], timeout: float = 20) -> Client:
    """Let the humans act (bot logic) until the TURN phase waits on one of them; return that one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    host = humans[0]
    while loop.time() < deadline:
        await host.wait_for(
            lambda: (
                any(c.my_turn() for c in humans) and all(c.version == host.version for c in humans)
            ),
            10,
            "a human to act",
        )
        mover = next(c for c in humans if c.my_turn())
        if mover.phase == "TURN":
            return mover
        reply = await mover.request(bot_message(mover.game, seed="drive"))
        assert reply["type"] == "ack", reply
        await asyncio.sleep(GAP)
    raise TimeoutError("the game never waited on a human in the TURN phase")


async def test_every_bad_input_gets_a_stable_error_and_changes_nothing(live_servers):
    server = live_servers()
    ana_s, bao_s = [await asyncio.to_thread(create_player, server.url, n) for n in ("Ana", "Bao")]
    room = await asyncio.to_thread(
        create_room, server.url, ana_s, settings={**FAST, "redeal_window": 600}
    )
    ana, bao = Client(server.url, "Ana", ana_s), Client(server.url, "Bao", bao_s)
    try:
        for c in (ana, bao):
            await c.connect(room["code"])
            await c.wait_for(lambda c=c: c.state is not None, 10, "first state")

        # someone else's seat, before and after sitting
        await expect_error(bao, [ana], {"type": "take_seat", "seat": 0}, "seat_taken")
        assert (await bao.request({"type": "take_seat", "seat": 1}))["type"] == "ack"
        await asyncio.sleep(GAP)
        await expect_error(
            bao, [ana], {"type": "take_seat", "seat": 0}, {"already_seated", "seat_taken"}
        )
        # non-host controls
        await expect_error(bao, [ana], {"type": "add_bot", "seat": 2}, "not_host")
        await expect_error(bao, [ana], {"type": "kick", "seat": 0}, "not_host")
        await expect_error(bao, [ana], {"type": "start"}, "not_host")
        await expect_error(
            bao, [ana], {"type": "settings", "settings": {"target_score": 9}}, "not_host"
        )

        for seat in (2, 3):
            assert (await ana.request({"type": "add_bot", "seat": seat}))["type"] == "ack"
            await asyncio.sleep(GAP)
        assert (await ana.request({"type": "start"}))["type"] == "ack"
        mover = await drive_to_human_turn([ana, bao])
        idle = bao if mover is ana else ana

        # frame-level problems
        await expect_error(mover, [idle], "{not json", "bad_json", raw=True)
        await expect_error(
            mover,
            [idle],
            json.dumps({"type": "ping", "id": "big", "pad": "x" * 9000}),
            "message_too_large",
            raw=True,
        )
        await expect_error(mover, [idle], {"type": "fly"}, "unknown_type")
        await expect_error(mover, [idle], {"type": "declare"}, "missing_field")
        await expect_error(mover, [idle], {"type": "play"}, "missing_field")
        await expect_error(mover, [idle], {"type": "declare", "value": "3"}, "bad_field")
        await expect_error(mover, [idle], {"type": "play", "pieces": "GENERAL_RED"}, "bad_field")
        await expect_error(mover, [idle], {"type": "take_seat", "seat": 7}, "bad_field")
        await expect_error(mover, [idle], {"type": "redeal", "accept": "yes"}, "bad_field")
        # game-level problems
        await expect_error(
            mover, [idle], {"type": "play", "pieces": ["KING_PURPLE"]}, "unknown_piece"
        )
        missing = next(k for k in POINTS if k not in Counter(mover.game["hand"]))
        await expect_error(
            mover, [idle], {"type": "play", "pieces": [missing]}, "pieces_not_in_hand"
        )
        await expect_error(
            idle,
            [mover],
            {"type": "play", "pieces": idle.game["hand"][:1]},
            {"not_your_turn", "already_played"},
        )
        await expect_error(mover, [idle], {"type": "declare", "value": 1}, "wrong_phase")
        await expect_error(mover, [idle], {"type": "redeal", "accept": True}, "wrong_phase")
        await expect_error(
            mover, [idle], {"type": "take_seat", "seat": 2}, {"already_seated", "seat_taken"}
        )
        await expect_error(
            idle if idle is bao else mover,
            [ana if idle is bao else bao],
            {"type": "add_bot", "seat": 2},
            "not_host",
        )
        host = ana
        await expect_error(
            host, [bao], {"type": "add_bot", "seat": 2}, {"game_in_progress", "seat_taken"}
        )

        # rate limit: a burst beyond 20 msgs/s is answered with rate_limited, never dropped silently
        await asyncio.sleep(1.2)  # refill the bucket
        base = mover.version
        n_errors, n_frames = len(mover.errors), len(mover.frames)
        for i in range(40):
            await mover.send({"type": "ping", "id": f"burst-{i}"})
        await mover.wait_for(lambda: len(mover.frames) - n_frames >= 40, 10, "40 replies")
        replies = [m for _, m in mover.frames[n_frames : n_frames + 40]]
        pongs = [m for m in replies if m["type"] == "pong"]
        limited = [m for m in replies if m["type"] == "error" and m["code"] == "rate_limited"]
        assert len(pongs) + len(limited) == 40, replies
        assert 15 <= len(pongs) <= 25 and limited, (len(pongs), len(limited))
        assert len(mover.errors) - n_errors == len(limited)
        await asyncio.sleep(1.2)
        assert (await mover.sync())["version"] == base
        pong = await mover.request({"type": "ping"})
        assert pong["type"] == "pong"
        assert not ana.closed and not bao.closed
    finally:
        await close_all([ana, bao])


async def test_rate_limited_error_echoes_the_client_id(live_servers):
    """Every error names the message it answers: ``rate_limited`` too (DESIGN: ref = client id),
    although the frame is refused before it is parsed."""
    server = live_servers()
    session = await asyncio.to_thread(create_player, server.url, "Ana")
    room = await asyncio.to_thread(create_room, server.url, session, settings=FAST)
    ana = Client(server.url, "Ana", session)
    try:
        await ana.connect(room["code"])
        await ana.wait_for(lambda: ana.state is not None, 10, "first state")
        n = len(ana.frames)
        for i in range(30):
            await ana.send({"type": "ping", "id": f"burst-{i}"})
        await ana.wait_for(lambda: len(ana.frames) - n >= 30, 10, "30 replies")
        limited = [m for _, m in ana.frames[n:] if m["type"] == "error"]
        assert limited and all(m["code"] == "rate_limited" for m in limited)
        assert [m["ref"] for m in limited] == [f"burst-{i}" for i in range(30 - len(limited), 30)]
    finally:
        await ana.close()
