"""The games side of event-store integrity: snapshots must equal the replay.

Registered with the event store at start-up, so ``eventstore_verify``, the
maintenance task and the rebuild command understand room streams.
"""

from __future__ import annotations

from typing import Any

from eventstore.types import Snapshot, StoredEvent
from games.room_state import fold, room_state_to_dict

ROOM_PREFIX = "room-"


def room_snapshots_match_replay(
    stream_id: str, events: list[StoredEvent], snapshots: list[Snapshot]
) -> list[str]:
    """One problem line per snapshot that differs from the state replayed to its version."""
    if not stream_id.startswith(ROOM_PREFIX) or not snapshots:
        return []
    problems = []
    by_version = {s.version: s for s in snapshots}
    state = None
    for ev in events:
        try:
            state = fold([ev], state)
        except Exception as exc:  # noqa: BLE001 - a stream that cannot be replayed is a finding
            return [f"event {ev.version} ({ev.type}) cannot be replayed: {exc}"]
        snap = by_version.get(ev.version)
        if snap is not None and room_state_to_dict(state) != snap.state:
            problems.append(f"snapshot at version {ev.version} differs from the replayed state")
    return problems


def room_snapshot_builder(stream_id: str, events: list[StoredEvent]) -> dict[str, Any] | None:
    if not stream_id.startswith(ROOM_PREFIX) or not events:
        return None
    return room_state_to_dict(fold(events))
