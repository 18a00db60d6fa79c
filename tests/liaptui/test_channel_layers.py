"""The production channel layer on a real Redis: room changes of different rooms
are published side by side, one room's changes stay in order."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from liaptui.channel_layers import PubSubChannelLayer

pytestmark = pytest.mark.redis


@pytest.fixture
async def make_layer() -> Any:
    """Layers on the real Redis under a prefix of their own, flushed afterwards."""
    made: list[Any] = []

    def make(cls: type = PubSubChannelLayer) -> Any:
        made.append(cls(hosts=[{"address": settings.REDIS_URL}], prefix=f"t{secrets.token_hex(4)}"))
        return made[-1]

    yield make
    for layer in made:
        await layer.flush()


def count_publishes_in_flight(layer: Any) -> dict[str, int]:
    """Wrap the shard's Redis client so the test sees how many PUBLISHes overlap
    (the PUBLISHes still go to the real Redis)."""
    shard = layer._get_layer()._shards[0]
    shard._ensure_redis()
    real = shard._redis.publish
    seen = {"now": 0, "max": 0}

    async def publish(channel: str, message: bytes) -> Any:
        seen["now"] += 1
        seen["max"] = max(seen["max"], seen["now"])
        try:
            return await real(channel, message)
        finally:
            seen["now"] -= 1

    shard._redis.publish = publish
    return seen


async def send_to_rooms(layer: Any, rooms: int) -> None:
    """One change to each of ``rooms`` rooms, all sent at once."""
    changes = [(f"room-{i}", {"type": "room.changed", "version": i}) for i in range(rooms)]
    await asyncio.gather(*(layer.group_send(group, message) for group, message in changes))


async def test_group_send_reaches_every_member_of_the_group(make_layer) -> None:
    layer = make_layer()
    a, b = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("room-1", a)
    await layer.group_add("room-1", b)
    await layer.group_send("room-1", {"type": "room.changed", "version": 3})
    got = [await asyncio.wait_for(layer.receive(c), 5) for c in (a, b)]
    assert got == [{"type": "room.changed", "version": 3}] * 2


async def test_publishes_to_different_rooms_are_in_flight_together(make_layer) -> None:
    layer = make_layer()
    seen = count_publishes_in_flight(layer)
    await send_to_rooms(layer, 20)
    assert seen["max"] > 1


async def test_upstream_layer_publishes_one_at_a_time(make_layer) -> None:
    """What the subclass fixes (if channels_redis stops serialising, this fails
    and liaptui.channel_layers can go)."""
    layer = make_layer(RedisPubSubChannelLayer)
    seen = count_publishes_in_flight(layer)
    await send_to_rooms(layer, 20)
    assert seen["max"] == 1


async def test_one_rooms_changes_arrive_in_the_order_they_were_sent(make_layer) -> None:
    layer = make_layer()
    seen = count_publishes_in_flight(layer)
    channel = await layer.new_channel()
    await layer.group_add("room-1", channel)
    await asyncio.gather(
        *(layer.group_send("room-1", {"type": "room.changed", "version": v}) for v in range(50))
    )
    got = [(await asyncio.wait_for(layer.receive(channel), 5))["version"] for _ in range(50)]
    assert got == list(range(50))
    assert seen["max"] == 1  # one room: one PUBLISH at a time
    assert layer._get_layer()._shards[0]._publishing == {}  # nothing left behind
