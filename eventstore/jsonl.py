"""The JSON Lines form of stored events, shared by export/import and the
archive payload (no Django import).

One line per event, keys sorted::

    {"data": {...}, "hash": "...", "metadata": {...}, "position": 17,
     "prev_hash": "...", "recorded_at": "2026-05-09T07:35:25.123456+00:00",
     "stream_id": "room-ABCD", "type": "PiecesPlayed", "version": 3}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from eventstore.canonical import iso
from eventstore.errors import InvalidEvent
from eventstore.types import StoredEvent

FIELDS = (
    "stream_id",
    "version",
    "position",
    "type",
    "data",
    "metadata",
    "recorded_at",
    "hash",
    "prev_hash",
)


def event_to_line(event: StoredEvent) -> str:
    return json.dumps(
        {
            "stream_id": event.stream_id,
            "version": event.version,
            "position": event.position,
            "type": event.type,
            "data": event.data,
            "metadata": event.metadata,
            "recorded_at": iso(event.recorded_at),
            "hash": event.hash,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def event_from_obj(obj: Any, where: str = "line") -> StoredEvent:
    if not isinstance(obj, dict):
        raise InvalidEvent(f"{where}: expected a JSON object, got {type(obj).__name__}")
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        raise InvalidEvent(f"{where}: missing field(s) {', '.join(missing)}")
    try:
        recorded_at = datetime.fromisoformat(obj["recorded_at"])
    except (TypeError, ValueError):
        raise InvalidEvent(
            f"{where}: recorded_at {obj['recorded_at']!r} is not an ISO time"
        ) from None
    if recorded_at.tzinfo is None:
        raise InvalidEvent(f"{where}: recorded_at {obj['recorded_at']!r} has no time zone")
    return StoredEvent(
        stream_id=obj["stream_id"],
        version=obj["version"],
        position=obj["position"],
        type=obj["type"],
        data=obj["data"],
        metadata=obj["metadata"],
        recorded_at=recorded_at,
        hash=obj["hash"],
        prev_hash=obj["prev_hash"],
    )


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[StoredEvent]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidEvent(f"line {number}: not valid JSON ({exc})") from None
        yield event_from_obj(obj, f"line {number}")
