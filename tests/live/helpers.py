"""Helpers for the live tests: rooms of real clients, audit look-ups."""

from __future__ import annotations

import asyncio
from typing import Any

from bench.common import Client, create_player, create_room, http_request

FAST = {
    "target_score": 5,
    "action_time_limit": 0,
    "bot_delay": 0,
    "turn_pause": 0,
    "round_pause": 0,
}
NAMES = ("Ana", "Bao", "Chi", "Dara")
# Four clients playing as fast as the server answers, all from 127.0.0.1, exceed the
# production per-address limit (60 msgs/s); game tests raise it, the bad-input test does not.
FAST_PLAY_ENV = {"WS_RATE_LIMIT_PER_ADDRESS": 100000}


async def four_human_room(
    urls: list[str], settings: dict[str, Any] | None = None, start: bool = True
) -> tuple[dict[str, Any], list[Client]]:
    """Host (seat 0) creates the room, three others take seats 1-3; client i uses urls[i % len]."""
    clients = []
    for i, name in enumerate(NAMES):
        url = urls[i % len(urls)]
        session = await asyncio.to_thread(create_player, url, name)
        clients.append(Client(url, name, session))
    room = await asyncio.to_thread(
        create_room, clients[0].base_url, clients[0].session, settings=settings or FAST
    )
    for client in clients:
        await client.connect(room["code"])
        await client.wait_for(lambda c=client: c.state is not None, 10, "first state")
    for seat, client in enumerate(clients[1:], start=1):
        reply = await client.request({"type": "take_seat", "seat": seat})
        assert reply["type"] == "ack", reply
    if start:
        reply = await clients[0].request({"type": "start"})
        assert reply["type"] == "ack", reply
    return room, clients


async def play_all(clients: list[Client], timeout: float = 60) -> None:
    results = await asyncio.gather(
        *(c.play_to_game_over(timeout=timeout) for c in clients), return_exceptions=True
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]


async def close_all(clients: list[Client]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def audit_get(url: str, token: str, path: str) -> dict[str, Any]:
    reply = http_request(url, "GET", path, token=token, timeout=20)
    assert reply.status == 200, (path, reply.status, reply.body)
    return reply.body


def audit_events(url: str, token: str, room_id: str) -> list[dict[str, Any]]:
    """Every stored event of the room (following ``next_after``), without rejected commands."""
    events: list[dict[str, Any]] = []
    after = 0
    for _ in range(100):
        page = audit_get(url, token, f"/api/rooms/{room_id}/events?after={after}")
        events.extend(e for e in page["events"] if e["kind"] == "event")
        if page["next_after"] is None:
            break
        after = page["next_after"]
    return sorted(events, key=lambda e: e["version"])


def event_versions(client: Client) -> set[int]:
    """The stream versions covered by the ``event`` frames this client received."""
    covered: set[int] = set()
    for msg in client.events:
        first = msg["version"] - len(msg["events"]) + 1
        covered.update(range(first, msg["version"] + 1))
    return covered


def own_commit_versions(client: Client) -> set[int]:
    """Versions appended by this client's own accepted commands (ack version, state before)."""
    mine: set[int] = set()
    versions = [v for v, _ in client.state_times]
    for ack in client.acks:
        v = ack["version"]
        before = max((x for x in versions if x < v), default=0)
        mine.update(range(before + 1, v + 1))
    return mine
