"""Checks that a view leaks nothing (shared by view tests and properties)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from games.engine import POINTS, GameState, Phase


def piece_lists(obj: Any, path: str = ""):
    """Every list in the view whose items are all piece kinds, with its path."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from piece_lists(v, f"{path}.{k}")
    elif isinstance(obj, list):
        if obj and all(isinstance(x, str) and x in POINTS for x in obj):
            yield path, obj
        else:
            for i, v in enumerate(obj):
                yield from piece_lists(v, f"{path}[{i}]")


def public_pieces(state: GameState) -> Counter:
    """Pieces anybody may see: played this round plus the last shown turn."""
    c = Counter(state.played_this_round)
    if state.last_turn is not None:
        c |= Counter(p for tp in state.last_turn.plays for p in tp.pieces)
    return c


def as_json(v: Any) -> Any:
    """The value as a client receives it (tuples become lists)."""
    return json.loads(json.dumps(v))


def assert_view_is_safe(state: GameState, seat: int | None, v: dict) -> None:
    v = as_json(v)  # JSON-safe; checked in the form a client receives
    own = Counter(state.hands[seat]) if seat is not None else Counter()
    public = public_pieces(state)
    for path, lst in piece_lists(v):
        c = Counter(lst)
        if path == ".hand":
            assert c == own
            continue
        # anything else must be public (played) pieces, never hidden hand content
        assert not (c - public), f"{path} shows unplayed pieces {lst}"
    if seat is None:
        assert v["hand"] is None
    text = json.dumps(v)
    revealed = set()
    if state.phase in (Phase.SCORING, Phase.GAME_OVER):
        revealed |= {d.seed for d in state.deals}
    else:
        revealed |= {d.seed for d in state.deals[:-1]}
    if state.last_round is not None:
        revealed |= {d.seed for d in state.last_round.deals}
    for d in state.deals:
        if d.seed not in revealed:
            assert json.dumps(d.seed) not in text, "unrevealed seed leaked"
