"""The room socket, driven through WebsocketCommunicator."""

from __future__ import annotations

import pytest

from games.engine import bots
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send

pytestmark = pytest.mark.django_db(transaction=True)


async def _setup_room_with_bots(target: int = 10):
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player, target_score=target, action_time_limit=0)
    comm = await connect(f"/ws/rooms/{room.code}/", key)
    first = await receive(comm)
    assert first["type"] == "state" and first["you"]["seat"] == 0 and first["you"]["is_host"]
    for seat in (1, 2, 3):
        await send(comm, {"type": "add_bot", "seat": seat, "id": f"b{seat}"})
        await receive_until(comm, lambda m, s=seat: m["type"] == "ack" and m["ref"] == f"b{s}")
    return player, room, comm


async def test_one_human_and_three_bots_play_to_game_over() -> None:
    _, room, comm = await _setup_room_with_bots(target=10)
    await send(comm, {"type": "start", "id": "go"})
    last = None
    for _ in range(5000):
        msg = await receive_until(comm, lambda m: m["type"] in ("state", "error"), timeout=20)
        assert msg["type"] == "state", msg
        last = msg
        game = msg["game"]
        if game["phase"] == "GAME_OVER":
            break
        if 0 in game["awaiting"]:
            command = bots.choose_command(game, "strategic", rng_seed=str(msg["version"]))
            payload = _to_message(command)
            await send(comm, payload)
    assert last is not None and last["game"]["phase"] == "GAME_OVER"
    assert last["game"]["game_over"]["winners"]
    assert max(last["game"]["totals"]) >= 10
    await comm.disconnect()


def _to_message(command) -> dict:
    name = type(command).__name__
    if name == "Declare":
        return {"type": "declare", "value": command.value}
    if name == "Play":
        return {"type": "play", "pieces": list(command.pieces)}
    if name == "RedealDecision":
        return {"type": "redeal", "accept": command.accept}
    raise AssertionError(name)


async def test_changes_faster_than_a_socket_reads_them_each_reach_it_as_a_state() -> None:
    from games import services
    from games.publishing import deferred_publishing, send_deferred
    from games.room_rules import Actor, AddBot

    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player)
    comm = await connect(f"/ws/rooms/{room.code}/", key)
    start = (await receive(comm))["version"]

    def two_changes_before_the_socket_reads_either() -> None:
        actor = Actor(player_id=str(player.id), name="Ana")
        services.room_command(room=room, actor=actor, command=AddBot(seat=1))
        services.room_command(room=room, actor=actor, command=AddBot(seat=2))

    # Both are committed (and the process's cached state is at the second)
    # before either change is published to the socket.
    _, messages = await db(deferred_publishing(two_changes_before_the_socket_reads_either))()
    await send_deferred(messages)
    versions = []
    while len(versions) < 2:
        msg = await receive(comm)
        if msg["type"] == "state":
            versions.append(msg["version"])
            assert [s["is_bot"] for s in msg["room"]["seats"][1:3]] == (
                [True, False] if len(versions) == 1 else [True, True]
            )
    await comm.disconnect()

    assert versions == [start + 1, start + 2]
