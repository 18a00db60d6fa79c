"""Load a room's state: per-process cache, snapshot, then newer events.

Process memory is only ever a cache: every load checks the stream for
events newer than the cached version, so several server processes can
serve the same room and each sees every change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from eventstore import selectors as es_selectors
from games.room_state import RoomState, fold, room_state_from_dict

CACHE_SIZE = 2000
_cache: OrderedDict[str, RoomState] = OrderedDict()
_lock = threading.Lock()


def cache_get(stream_id: str) -> RoomState | None:
    with _lock:
        state = _cache.get(stream_id)
        if state is not None:
            _cache.move_to_end(stream_id)
        return state


def cache_put(stream_id: str, state: RoomState) -> None:
    """Keep the newest state of a stream (never replace a newer one by an older)."""
    with _lock:
        current = _cache.get(stream_id)
        if current is not None and current.version > state.version:
            return
        _cache[stream_id] = state
        _cache.move_to_end(stream_id)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def room_state_load(
    stream_id: str, *, use_cache: bool = True, trust_cache: bool = False
) -> RoomState:
    """The room's current state, from cache/snapshot plus the events after it.

    ``trust_cache`` returns a cached state without asking the stream whether
    something newer exists: for writers, whose append checks the version
    anyway and who reload on a conflict (the hot path saves a query).
    """
    state = cache_get(stream_id) if use_cache else None
    if state is not None and trust_cache:
        return state
    if state is None:
        snapshot = es_selectors.snapshot_latest(stream_id)
        state = room_state_from_dict(snapshot.state) if snapshot else RoomState()
    events = es_selectors.event_read(stream_id=stream_id, after_version=state.version)
    if events:
        state = fold(events, state)
    if use_cache:
        cache_put(stream_id, state)
    return state


def room_state_at(stream_id: str, version: int) -> RoomState:
    """The room as it was at ``version`` (for the audit API and replays)."""
    events = es_selectors.event_read(stream_id=stream_id, after_version=0, to_version=version)
    return fold(events)
