"""Events: the facts the engine records; the state is a fold of them.

``data`` is always JSON-safe (dict/list/str/int/bool/None). Event types are
listed, with their data, in docs/engine.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EVENT_TYPES: tuple[str, ...] = (
    "game_started",
    "round_started",
    "hands_dealt",
    "redeal_offered",
    "redeal_decided",
    "redeal_won",
    "redeal_declined_all",
    "deal_stands",
    "declared",
    "phase_changed",
    "played",
    "turn_won",
    "round_scored",
    "game_over",
)


@dataclass(frozen=True)
class Event:
    """One fact; ``type`` is snake_case, ``data`` JSON-safe."""

    type: str
    data: dict[str, Any]

    # Not a field (no annotation): decide() stores ``(before, after)`` in the
    # instance dict of each event it emits, the fold it has already computed,
    # so that evolve(before, event) on that very event object costs a lookup
    # instead of a second fold. Events built any other way (from storage,
    # Event(...)) have only this class default. Equality, repr and
    # serialisation use the fields only, so the cache is invisible there.
    _fold = None


_new = object.__new__
_set_event_dict = Event.__dict__["__dict__"].__set__


def make_event(type_: str, data: dict[str, Any]) -> Event:
    """``Event(type_, data)`` without the frozen-dataclass __init__ cost (decide's hot path)."""
    ev = _new(Event)
    _set_event_dict(ev, {"type": type_, "data": data})
    return ev
