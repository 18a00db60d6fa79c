"""Bad input over the room socket: a clear error, the socket stays open, nothing changes."""

from __future__ import annotations

import json

import pytest

from games.engine import KINDS
from games.models import RejectedCommand
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


async def _version(comm) -> int:
    await send(comm, {"type": "sync"})
    return (await receive_until(comm, lambda m: m["type"] == "state"))["version"]


async def _expect_error(comm, payload, code: str, ref="r1") -> dict:
    if isinstance(payload, str):
        await comm.send_to(text_data=payload)
    else:
        await send(comm, {**payload, "id": ref} if ref is not None else payload)
    msg = await receive_until(comm, lambda m: m["type"] == "error")
    assert msg["code"] == code, msg
    assert msg["message"]
    return msg


@pytest.fixture
async def seated():
    host, host_key = await db(make_player)("Host")
    guest, guest_key = await db(make_player)("Guest")
    room = await db(make_room)(host, target_score=10, action_time_limit=0)
    host_ws = await connect(f"/ws/rooms/{room.code}/", host_key)
    await receive(host_ws)
    guest_ws = await connect(f"/ws/rooms/{room.code}/", guest_key)
    await receive(guest_ws)
    yield room, host_ws, guest_ws
    await host_ws.disconnect()
    await guest_ws.disconnect()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ({"type": "fly"}, "unknown_type"),
        ({"type": "take_seat"}, "missing_field"),
        ({"type": "take_seat", "seat": "one"}, "bad_field"),
        ({"type": "take_seat", "seat": 7}, "bad_field"),
        ({"type": "redeal", "accept": "yes"}, "bad_field"),
        ({"type": "play", "pieces": ["DRAGON_RED"]}, "unknown_piece"),
        ({"type": "play", "pieces": "GENERAL_RED"}, "bad_field"),
        ({"type": "declare", "value": 3}, "not_seated"),
        ({"type": "add_bot", "seat": 1}, "not_host"),
        ({"type": "start"}, "not_host"),
        ({"type": "take_seat", "seat": 0}, "seat_taken"),
    ],
)
async def test_bad_message_gets_error_and_changes_nothing(seated, payload, code) -> None:
    room, _, guest_ws = seated
    before = await _version(guest_ws)
    msg = await _expect_error(guest_ws, payload, code)
    if not isinstance(payload, str):
        assert msg["ref"] == "r1"
    assert await _version(guest_ws) == before


async def test_oversized_frame_is_refused_and_socket_stays_open(seated) -> None:
    _, _, guest_ws = seated
    before = await _version(guest_ws)
    await _expect_error(
        guest_ws, json.dumps({"type": "ping", "pad": "x" * 9000}), "message_too_large", ref=None
    )
    assert await _version(guest_ws) == before


async def test_rule_violation_in_game_is_refused_and_audited(seated) -> None:
    room, host_ws, guest_ws = seated
    await send(guest_ws, {"type": "take_seat", "seat": 1, "id": "sit"})
    await receive_until(guest_ws, lambda m: m["type"] == "ack")
    for seat in (2, 3):
        await send(host_ws, {"type": "add_bot", "seat": seat, "id": f"b{seat}"})
        await receive_until(host_ws, lambda m, s=seat: m["type"] == "ack" and m["ref"] == f"b{s}")
    await send(guest_ws, {"type": "kick", "seat": 0, "id": "k"})
    await receive_until(guest_ws, lambda m: m["type"] == "error" and m["code"] == "not_host")
    await send(host_ws, {"type": "start", "id": "go"})
    state = await receive_until(
        guest_ws, lambda m: m["type"] == "state" and m["game"]["phase"] != "WAITING"
    )
    before = await _version(guest_ws)
    hand = state["game"]["hand"]
    foreign = next(k for k in KINDS if k not in hand)  # 14 kinds, at most 8 in a hand
    await send(guest_ws, {"type": "play", "pieces": [foreign], "id": "cheat"})
    err = await receive_until(guest_ws, lambda m: m["type"] == "error")
    assert err["ref"] == "cheat"
    assert err["code"] in ("pieces_not_in_hand", "wrong_phase", "not_your_turn")
    assert await _version(guest_ws) >= before  # bots may move on; the refused play left no trace
    rejected = await db(
        lambda: dict(RejectedCommand.objects.filter(room=room).values_list("code", "seat"))
    )()
    assert err["code"] in rejected and "not_host" in rejected
    assert rejected[err["code"]] == rejected["not_host"] == 1  # the guest's seat


async def test_rate_limit_answers_rate_limited_not_silence(seated, settings) -> None:
    from monitoring.levers import forget_cached_levers

    settings.LIAPTUI = {
        **settings.LIAPTUI,
        "RATE_LIMIT_PER_CONNECTION": 10,
        "RATE_LIMIT_PER_ADDRESS": 1000,
    }
    forget_cached_levers()
    _, _, guest_ws = seated
    codes = []
    for i in range(40):
        await send(guest_ws, {"type": "ping", "id": i})
    for _ in range(40):
        msg = await receive(guest_ws)
        codes.append(msg.get("code") or msg["type"])
    forget_cached_levers()
    assert "rate_limited" in codes
    assert codes.count("pong") >= 5


async def test_unexpected_server_failure_answers_internal_error_and_keeps_socket(
    seated, monkeypatch
) -> None:
    from games import services

    _, _, guest_ws = seated

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "room_command", broken)
    await _expect_error(guest_ws, {"type": "take_seat", "seat": 2}, "internal_error")
    monkeypatch.undo()
    await send(guest_ws, {"type": "ping", "id": "still-here"})
    assert (await receive_until(guest_ws, lambda m: m["type"] == "pong"))["ref"] == "still-here"
