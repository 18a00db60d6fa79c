"""Extension points for the owner of the streams (games); no Django import.

* ``register_replay_check(fn)``: ``fn(stream_id, events, snapshots) -> list[str]``
  is run by ``stream_verify`` for every stream; each string is a problem
  (e.g. "snapshot at version 40 differs from the replayed state").
* ``register_snapshot_builder(fn)``: ``fn(stream_id, events) -> dict | None``
  folds a stream into a snapshot state (None: not mine / nothing to save);
  used by ``eventstore_rebuild_snapshots``.

Registering the same function twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventstore.types import Snapshot, StoredEvent

ReplayCheck = Callable[[str, list[StoredEvent], list[Snapshot]], list[str]]
SnapshotBuilder = Callable[[str, list[StoredEvent]], "dict[str, Any] | None"]

_replay_checks: list[ReplayCheck] = []
_snapshot_builders: list[SnapshotBuilder] = []


def register_replay_check(fn: ReplayCheck) -> ReplayCheck:
    """Register ``fn`` (usable as a decorator)."""
    if fn not in _replay_checks:
        _replay_checks.append(fn)
    return fn


def unregister_replay_check(fn: ReplayCheck) -> None:
    if fn in _replay_checks:
        _replay_checks.remove(fn)


def replay_checks() -> list[ReplayCheck]:
    return list(_replay_checks)


def register_snapshot_builder(fn: SnapshotBuilder) -> SnapshotBuilder:
    """Register ``fn`` (usable as a decorator)."""
    if fn not in _snapshot_builders:
        _snapshot_builders.append(fn)
    return fn


def unregister_snapshot_builder(fn: SnapshotBuilder) -> None:
    if fn in _snapshot_builders:
        _snapshot_builders.remove(fn)


def snapshot_builders() -> list[SnapshotBuilder]:
    return list(_snapshot_builders)
