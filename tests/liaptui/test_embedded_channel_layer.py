"""The embedded default's in-memory channel layer keeps a burst of room changes."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer


@pytest.fixture
def layer() -> InMemoryChannelLayer:
    configured = get_channel_layer()
    if not isinstance(configured, InMemoryChannelLayer):
        pytest.skip("the embedded default (no REDIS_URL) uses the in-memory layer")
    return configured


async def test_a_socket_behind_by_a_few_hundred_changes_loses_none(layer) -> None:
    channel = await layer.new_channel()
    await layer.group_add("room.burst", channel)
    for version in range(1, 501):  # a bot-only round at zero pace, before the socket reads
        await layer.group_send("room.burst", {"type": "room.changed", "version": version})
    got = []
    while len(got) < 500:
        try:
            got.append((await asyncio.wait_for(layer.receive(channel), 1))["version"])
        except TimeoutError:
            break  # the rest was dropped
    assert got == list(range(1, 501))
    await layer.group_discard("room.burst", channel)
