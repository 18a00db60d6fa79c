"""Moves and timers written from the event loop (PostgreSQL): the same game,
the same events and projections as the worker-thread path, which still
judges every case the loop does not take."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import pytest

from eventstore import services as es_services
from eventstore.selectors import stream_verify, stream_version
from games import services
from games.engine import KINDS, bots
from games.loading import cache_get
from games.models import RejectedCommand, Room
from games.protocol import parse_client_frame
from games.room_rules import Actor, StartGame
from tests.games.helpers import connect, db, make_player, make_room, receive, receive_until, send
from tests.games.test_room_consumer import _to_message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@dataclass
class Writes:
    """The changes each path wrote (the functions themselves still run)."""

    loop: int = 0
    thread_actors: list[str | None] = field(default_factory=list)  # player id per thread write

    @property
    def thread(self) -> int:
        return len(self.thread_actors)


@pytest.fixture
def writes(monkeypatch) -> Writes:
    seen = Writes()
    on_loop, in_thread = services._commit_on_loop, services._commit

    async def counted_on_loop(*args, **kwargs):
        result = await on_loop(*args, **kwargs)
        seen.loop += result is not None
        return result

    def counted_in_thread(room, state, events, actor, source):
        seen.thread_actors.append(actor.player_id)
        return in_thread(room, state, events, actor, source)

    monkeypatch.setattr(services, "_commit_on_loop", counted_on_loop)
    monkeypatch.setattr(services, "_commit", counted_in_thread)
    return seen


async def _room_with_bots(target: int = 10):
    player, key = await db(make_player)("Ana")
    room = await db(make_room)(player, target_score=target, action_time_limit=0)
    comm = await connect(f"/ws/rooms/{room.code}/", key)
    await receive(comm)
    for seat in (1, 2, 3):
        await send(comm, {"type": "add_bot", "seat": seat, "id": f"b{seat}"})
        await receive_until(comm, lambda m, s=seat: m["type"] == "ack" and m["ref"] == f"b{s}")
    room.player = player  # the tests' handle on the host
    return room, comm


async def _play_until(comm, done) -> dict:
    while True:
        msg = await receive_until(comm, lambda m: m["type"] in ("state", "error"), timeout=20)
        assert msg["type"] == "state", msg
        if done(msg):
            return msg
        if 0 in msg["game"]["awaiting"]:
            command = bots.choose_command(msg["game"], "strategic", rng_seed=str(msg["version"]))
            await send(comm, _to_message(command))


async def test_a_game_played_through_the_loop_matches_its_stream_and_projection(writes) -> None:
    room, comm = await _room_with_bots(target=10)
    await send(comm, {"type": "start", "id": "go"})

    last = await _play_until(comm, lambda m: m["game"]["phase"] == "GAME_OVER")
    # Checked before Ana leaves: her leaving is recorded too (player_away).
    row = await db(Room.objects.get)(pk=room.pk)
    version = await db(stream_version)(room.stream_id)
    await comm.disconnect()

    assert last["game"]["game_over"]["winners"]
    # Moves and timers both went through the loop; seat changes, the start
    # and game over (a snapshot) through the worker thread.
    assert writes.loop > writes.thread > 0
    assert (await db(stream_verify)(room.stream_id)).ok
    assert row.version == version == last["version"]
    assert (row.status, row.phase) == ("finished", "GAME_OVER")


async def test_a_refused_move_is_judged_and_recorded_by_the_ordinary_path() -> None:
    room, comm = await _room_with_bots()
    await send(comm, {"type": "start", "id": "go"})
    state = await receive_until(
        comm, lambda m: m["type"] == "state" and m["game"]["phase"] != "WAITING"
    )
    before = await db(stream_version)(room.stream_id)
    foreign = next(k for k in KINDS if k not in state["game"]["hand"])

    await send(comm, {"type": "play", "pieces": [foreign], "id": "cheat"})
    err = await receive_until(comm, lambda m: m["type"] == "error")
    await comm.disconnect()

    assert err["ref"] == "cheat"
    assert err["code"] in ("pieces_not_in_hand", "wrong_phase", "not_your_turn")
    codes = await db(lambda: list(RejectedCommand.objects.values_list("code", flat=True)))()
    assert codes == [err["code"]]
    assert await db(stream_version)(room.stream_id) >= before  # bots may move; the play did not


async def test_a_move_after_another_process_wrote_the_room_still_lands(writes) -> None:
    room, comm = await _room_with_bots()
    await send(comm, {"type": "start", "id": "go"})
    state = await _play_until(comm, lambda m: 0 in m["game"]["awaiting"])
    version = state["version"]
    es_services._HEADS[room.stream_id] = (version, "0" * 64)  # as if written elsewhere
    before = len(writes.thread_actors)

    command = bots.choose_command(state["game"], "strategic", rng_seed="x")
    await send(comm, {**_to_message(command), "id": "mine"})
    ack = await receive_until(comm, lambda m: m["type"] in ("ack", "error") and m["ref"] == "mine")
    await comm.disconnect()

    assert ack["type"] == "ack" and ack["version"] > version
    # The worker-thread path wrote it (bots may use it too, e.g. while the
    # levers are due for a re-read).
    assert str(room.player.id) in writes.thread_actors[before:]
    assert (await db(stream_verify)(room.stream_id)).ok


async def test_a_move_whose_caller_is_cancelled_is_still_published_and_planned() -> None:
    room, comm = await _room_with_bots()
    await send(comm, {"type": "start", "id": "go"})
    state = await _play_until(comm, lambda m: 0 in m["game"]["awaiting"])
    move = bots.choose_command(state["game"], "strategic", rng_seed="x")
    command = parse_client_frame(json.dumps(_to_message(move)), None, 4096).command
    actor = Actor(player_id=str(room.player.id), name="Ana")

    task = asyncio.ensure_future(
        services.room_command_on_loop(room=room, actor=actor, command=command)
    )
    await asyncio.sleep(0)  # decided; the write is under way
    task.cancel()  # e.g. the socket closed
    with pytest.raises(asyncio.CancelledError):
        await task

    # The move reached the socket, the bots' timers were planned and they
    # played on until the room waits for Ana again (then nothing moves).
    seen = await receive_until(
        comm,
        lambda m: (
            m["type"] == "state"
            and m["version"] > state["version"]
            and m["game"]["awaiting"] == [0]
        ),
    )
    await comm.disconnect()
    assert cache_get(room.stream_id).version == seen["version"]
    assert await db(stream_version)(room.stream_id) == seen["version"]


async def test_commands_other_than_moves_are_left_to_the_worker_thread() -> None:
    player, _ = await db(make_player)("Ana")
    room = await db(make_room)(player)
    actor = Actor(player_id=str(player.id), name="Ana")
    assert await services.room_command_on_loop(room=room, actor=actor, command=StartGame()) is None


async def test_a_timer_for_a_version_the_room_has_left_is_not_acted_on_the_loop() -> None:
    room, comm = await _room_with_bots()
    version = await db(stream_version)(room.stream_id)
    await comm.disconnect()

    assert await services.room_advance_on_loop(room=room, expected_version=version - 1) is False
    assert await db(stream_version)(room.stream_id) == version
