"""The Redis pub/sub channel layer, with room changes published side by side.

channels_redis's pub/sub layer (4.3) holds one asyncio lock per Redis host
around every PUBLISH (the lock that also guards subscribing), so a server
process had one room change in flight at a time, each waiting for Redis's
reply before the next could start. Under load that queue became the largest
part of the delivery tail: at 200 rooms a group_send waited 5-100 ms at the
median and up to 440 ms (bench/ws_load.py; docs/performance.md).

Here a PUBLISH only waits for earlier PUBLISHes to the *same* channel (a
room's changes still reach Redis in the order they were sent); different
rooms publish at once over the Redis client's connection pool. Subscribing
and receiving are channels_redis's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close, decode_hosts


class _Shard(RedisSingleShardConnection):
    """One Redis host: publishes ordered per channel, not per host."""

    def __init__(self, host: dict[str, Any], channel_layer: Any) -> None:
        super().__init__(host, channel_layer)
        # channel -> [lock, publishes holding or waiting for it]
        self._publishing: dict[str, list[Any]] = {}

    async def publish(self, channel: str, message: bytes) -> None:
        self._ensure_redis()  # synchronous: no other task runs in between
        entry = self._publishing.get(channel)
        if entry is None:
            entry = self._publishing[channel] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                await self._redis.publish(channel, message)
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._publishing[channel]


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(hosts, *args, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]


class PubSubChannelLayer(RedisPubSubChannelLayer):
    """``channels_redis.pubsub.RedisPubSubChannelLayer`` with per-channel publish ordering."""

    def _get_layer(self) -> RedisPubSubLoopLayer:
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer
