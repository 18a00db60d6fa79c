"""Four humans in one room on a real server: each sees only its own hand, in every frame."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from games.engine import POINTS
from tests.live.helpers import (
    FAST_PLAY_ENV,
    audit_events,
    audit_get,
    close_all,
    four_human_room,
    play_all,
)

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

# Where a piece list may legitimately appear in a frame (indices as *).
PUBLIC_PIECE_PATHS = {
    "game.turn.plays.*.pieces",
    "game.last_turn.plays.*.pieces",
    "game.played_this_round",
    "events.*.data.pieces",  # played
    "events.*.data.plays.*.pieces",  # turn_won
}


def piece_lists(obj: Any, path: str = ""):
    """Yield (normalised path, list) for every non-empty list of piece kinds inside ``obj``."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from piece_lists(value, f"{path}.{key}" if path else key)
    elif isinstance(obj, list):
        if obj and all(isinstance(x, str) and x in POINTS for x in obj):
            yield re.sub(r"\.\d+(?=\.|$)", ".*", path), obj
        else:
            for i, value in enumerate(obj):
                yield from piece_lists(value, f"{path}.{i}")


def keys_named(obj: Any, names: set[str], path: str = ""):
    if isinstance(obj, dict):
        for key, value in obj.items():
            here = f"{path}.{key}" if path else key
            if key in names:
                yield here
            yield from keys_named(value, names, here)
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from keys_named(value, names, f"{path}.{i}")


def plays_of(plays: list[dict[str, Any]] | None) -> list[tuple[int, list[str]]]:
    return [(p["seat"], list(p["pieces"])) for p in plays or []]


def check_state_frame(msg: dict[str, Any], seat: int, audit: dict[str, Any]) -> None:
    """Every piece list in a ``state`` frame is the own hand or verified-public information."""
    truth = audit["state"]["game"]
    hands = truth["hands"]
    game = msg["game"]
    assert game["seat"] == seat and msg["you"]["seat"] == seat
    assert Counter(game["hand"]) == Counter(hands[seat]), (msg["version"], seat)
    for path, _ in piece_lists(msg):
        if path == "game.hand":
            continue
        assert path in PUBLIC_PIECE_PATHS, (
            f"v{msg['version']} seat {seat}: piece list at unexpected {path}"
        )
    assert list(keys_named(msg, {"hands"})) == [], "no 'hands' key may reach a player"
    assert [p for p in keys_named(msg, {"hand"})] == ["game.hand"]
    if game["turn"] is not None:
        assert plays_of(game["turn"]["plays"]) == plays_of(truth["turn_plays"])
    if game["last_turn"] is not None:
        assert plays_of(game["last_turn"]["plays"]) == plays_of(truth["last_turn"]["plays"])
    assert Counter(game["played_this_round"]) == Counter(truth["played_this_round"])
    # and, literally: no other seat's current hand appears anywhere else in the frame
    others = {tuple(sorted(hands[o])) for o in range(4) if o != seat and len(hands[o]) > 1}
    public = {tuple(sorted(p)) for _, p in plays_of(game["turn"]["plays"] if game["turn"] else [])}
    public |= {
        tuple(sorted(p))
        for _, p in plays_of(game["last_turn"]["plays"] if game["last_turn"] else [])
    }
    for path, pieces in piece_lists(msg):
        key = tuple(sorted(pieces))
        if path != "game.hand" and key in others:
            assert key in public, f"v{msg['version']} seat {seat}: another hand at {path}"


def check_event_frame(msg: dict[str, Any], stored: dict[int, dict[str, Any]]) -> None:
    """An ``event`` frame carries public fields of the stored events, never hands or live seeds."""
    assert list(keys_named(msg, {"hands", "hand"})) == []
    first = msg["version"] - len(msg["events"]) + 1
    for offset, ev in enumerate(msg["events"]):
        real = stored[first + offset]
        assert ev["type"] == real["type"]
        for key, value in ev["data"].items():
            assert real["data"][key] == value
        if ev["type"] == "hands_dealt":
            assert "seed" not in ev["data"]
    for path, _ in piece_lists(msg):
        assert path in PUBLIC_PIECE_PATHS, path


async def test_four_humans_each_receive_only_their_own_hand_in_every_message(
    live_servers, ops_token
):
    server = live_servers(**FAST_PLAY_ENV)
    room, clients = await four_human_room([server.url])
    try:
        await play_all(clients, timeout=60)
    finally:
        await close_all(clients)

    assert all(c.game_over() for c in clients)
    final = {c.version for c in clients}
    assert len(final) == 1
    for c in clients:
        assert not c.errors, (c.name, c.errors)

    stored = {
        e["version"]: e
        for e in await asyncio.to_thread(audit_events, server.url, ops_token, room["room_id"])
    }
    # Closing the sockets above may already have recorded seats going away.
    played = [v for v, e in stored.items() if e["type"] not in ("player_away", "player_back")]
    assert max(played) == final.pop()
    versions = sorted({s["version"] for c in clients for s in c.states})

    def fetch(v: int) -> tuple[int, dict[str, Any]]:
        return v, audit_get(
            server.url, ops_token, f"/api/rooms/{room['room_id']}/state?version={v}"
        )

    with ThreadPoolExecutor(4) as pool:
        audits = dict(pool.map(fetch, versions))

    frames = 0
    for seat, client in enumerate(clients):
        for _, msg in client.frames:
            frames += 1
            if msg["type"] == "state":
                if msg["game"]["phase"] == "WAITING":
                    assert (
                        msg["game"]["hand"] == []
                        or msg["game"]["hand"] is None
                        or not msg["game"]["hand"]
                    )
                    continue
                check_state_frame(msg, seat, audits[msg["version"]])
            elif msg["type"] == "event":
                check_event_frame(msg, stored)
            else:
                assert not list(piece_lists(msg)), msg
    assert frames > 100
