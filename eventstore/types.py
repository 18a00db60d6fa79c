"""Value objects of the event store (no Django import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append. ``metadata`` holds ``correlation_id``, ``actor``,
    ``source`` and anything else JSON."""

    type: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Projection:
    """One row of a read model to update in the same atomic write as an append
    (an inline projection): ``UPDATE table SET column = value, ... WHERE
    key_column = key``. Values must be ready for the database (e.g. from
    ``field.get_db_prep_save``). The row must exist; the append fails if it
    does not, so events and projection never disagree."""

    table: str
    key_column: str
    key: Any
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as stored: its place in the stream and in the global order,
    and its link in the stream's hash chain."""

    stream_id: str
    version: int
    position: int
    type: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The folded state of a stream at ``version``."""

    stream_id: str
    version: int
    state: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """A stream's head: its version and lifecycle."""

    stream_id: str
    version: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    archived_at: datetime | None

    @property
    def status(self) -> str:
        """``live``, ``finished`` or ``archived``."""
        if self.archived_at is not None:
            return "archived"
        if self.finished_at is not None:
            return "finished"
        return "live"


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    """What archiving a stream produced."""

    stream_id: str
    event_count: int
    raw_bytes: int
    compressed_bytes: int
    archived_at: datetime


@dataclass(slots=True)
class VerificationResult:
    """The outcome of ``stream_verify``: ``problems`` is a list of
    ``{"version": int | None, "problem": str}``; ``ok`` when it is empty."""

    stream_id: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    event_count: int = 0
    archived: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, version: int | None, problem: str) -> None:
        self.problems.append({"version": version, "problem": problem})

    def summary(self) -> str:
        """One line for people (admin messages): OK, or the count and the first problem."""
        if self.ok:
            return f"OK ({self.event_count} events)"
        first = self.problems[0]
        return (
            f"{len(self.problems)} problem(s); first at version {first['version']}: "
            f"{first['problem']}"
        )

    def __str__(self) -> str:
        if self.ok:
            return f"{self.stream_id}: OK ({self.event_count} events)"
        lines = [f"{self.stream_id}: {len(self.problems)} problem(s)"]
        for p in self.problems:
            where = f"version {p['version']}" if p["version"] is not None else "stream"
            lines.append(f"  {self.stream_id} {where}: {p['problem']}")
        return "\n".join(lines)
