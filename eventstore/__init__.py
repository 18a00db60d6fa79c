"""Append-only event streams with optimistic concurrency, a per-stream hash
chain, snapshots, compressed archives and integrity checks.

The store knows nothing of games. Import writes from ``eventstore.services``
and reads from ``eventstore.selectors``; this package itself stays
import-light (no model import) so it can be imported before Django is set up.
"""

from eventstore.errors import (
    ConcurrencyError,
    EventStoreError,
    IntegrityViolation,
    InvalidEvent,
    StreamArchived,
    StreamNotFound,
)
from eventstore.hooks import register_replay_check, register_snapshot_builder
from eventstore.types import (
    NewEvent,
    Projection,
    Snapshot,
    StoredEvent,
    StreamInfo,
    VerificationResult,
)

__all__ = [
    "ConcurrencyError",
    "EventStoreError",
    "IntegrityViolation",
    "InvalidEvent",
    "NewEvent",
    "Projection",
    "Snapshot",
    "StoredEvent",
    "StreamArchived",
    "StreamInfo",
    "StreamNotFound",
    "VerificationResult",
    "register_replay_check",
    "register_snapshot_builder",
]
