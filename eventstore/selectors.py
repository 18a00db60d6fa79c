"""Reads from the event store: streams, events (live or archived,
transparently), snapshots, export, integrity verification and stats."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, IntegerField, Q, Sum, TextField
from django.db.models.functions import Cast, Coalesce, Length
from django.utils import timezone

from eventstore import hooks
from eventstore.canonical import GENESIS_HASH, check_stream_id, check_version, event_hash, iso
from eventstore.errors import InvalidEvent, StreamNotFound
from eventstore.jsonl import FIELDS as EVENT_FIELDS
from eventstore.jsonl import event_to_line, parse_lines
from eventstore.models import ArchivedStream, Event, Stream
from eventstore.models import Snapshot as SnapshotRow
from eventstore.types import Snapshot, StoredEvent, StreamInfo, VerificationResult
from liaptui.logging_setup import get_logger

error_log = get_logger("error")

_EVENT_FIELDS = EVENT_FIELDS  # the StoredEvent columns, in order
_STREAM_FIELDS = ("stream_id", "version", "created_at", "updated_at", "finished_at", "archived_at")


def _stored(row: tuple) -> StoredEvent:
    return StoredEvent(*row)


def stream_version(stream_id: str) -> int:
    """The stream's current version; 0 if it does not exist."""
    check_stream_id(stream_id)
    version = Stream.objects.filter(stream_id=stream_id).values_list("version", flat=True).first()
    return version or 0


def stream_info(stream_id: str) -> StreamInfo:
    """The stream's head; raises ``StreamNotFound``."""
    check_stream_id(stream_id)
    row = Stream.objects.filter(stream_id=stream_id).values_list(*_STREAM_FIELDS).first()
    if row is None:
        raise StreamNotFound(stream_id)
    return StreamInfo(*row)


def stream_list(
    *, status: str | None = None, prefix: str | None = None, limit: int = 100, offset: int = 0
) -> list[StreamInfo]:
    """Streams, most recently updated first; ``status`` is ``live``,
    ``finished`` (not yet archived) or ``archived``."""
    qs = Stream.objects.order_by("-updated_at", "stream_id")
    if status == "live":
        qs = qs.filter(finished_at__isnull=True, archived_at__isnull=True)
    elif status == "finished":
        qs = qs.filter(finished_at__isnull=False, archived_at__isnull=True)
    elif status == "archived":
        qs = qs.filter(archived_at__isnull=False)
    elif status is not None:
        raise InvalidEvent(f"unknown stream status {status!r} (live, finished or archived)")
    if prefix:
        qs = qs.filter(stream_id__startswith=prefix)
    check_version(limit, "limit")
    check_version(offset, "offset")
    return [StreamInfo(*row) for row in qs.values_list(*_STREAM_FIELDS)[offset : offset + limit]]


def _archived_events(stream_id: str) -> list[StoredEvent]:
    archive = ArchivedStream.objects.filter(stream_id=stream_id).first()
    if archive is None:
        raise StreamNotFound(stream_id)
    raw = zlib.decompress(bytes(archive.payload)).decode("utf-8")
    return list(parse_lines(raw.splitlines()))


def event_read(
    *, stream_id: str, after_version: int = 0, to_version: int | None = None
) -> list[StoredEvent]:
    """Events of ``stream_id`` with ``after_version < version <= to_version``
    in version order, from the live table or, for an archived stream, its
    archive. Raises ``StreamNotFound`` for a stream never written."""
    check_stream_id(stream_id)
    check_version(after_version, "after_version")
    if to_version is not None:
        check_version(to_version, "to_version")
    qs = Event.objects.filter(stream_id=stream_id, version__gt=after_version)
    if to_version is not None:
        qs = qs.filter(version__lte=to_version)
    events = [_stored(row) for row in qs.order_by("version").values_list(*_EVENT_FIELDS)]
    if events:
        return events
    # No rows: an unknown stream, nothing newer, or an archived stream.
    archived_at = Stream.objects.filter(stream_id=stream_id).values_list("archived_at", flat=True)
    archived_at = list(archived_at)
    if not archived_at:
        raise StreamNotFound(stream_id)
    if archived_at[0] is None:
        return []
    return [
        e
        for e in _archived_events(stream_id)
        if e.version > after_version and (to_version is None or e.version <= to_version)
    ]


def event_read_all(after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
    """Live events of every stream in global order (archived streams are not
    included). On PostgreSQL positions come from a sequence: a transaction
    that commits late can leave a smaller position behind a larger one, so a
    follower should re-read a short window rather than trust the last
    position blindly."""
    check_version(after_position, "after_position")
    check_version(limit, "limit", minimum=1)
    qs = Event.objects.filter(position__gt=after_position).order_by("position")[:limit]
    return [_stored(row) for row in qs.values_list(*_EVENT_FIELDS)]


def events_by_correlation_id(correlation_id: str, limit: int = 1000) -> list[StoredEvent]:
    """Live events whose metadata carries ``correlation_id``."""
    qs = Event.objects.filter(correlation_id=correlation_id).order_by("position")[:limit]
    return [_stored(row) for row in qs.values_list(*_EVENT_FIELDS)]


def snapshot_latest(stream_id: str, at_or_before: int | None = None) -> Snapshot | None:
    """The newest snapshot of the stream (at or before ``at_or_before``)."""
    check_stream_id(stream_id)
    qs = SnapshotRow.objects.filter(stream_id=stream_id)
    if at_or_before is not None:
        check_version(at_or_before, "at_or_before")
        qs = qs.filter(version__lte=at_or_before)
    row = qs.order_by("-version").values_list("stream_id", "version", "state", "created_at").first()
    return Snapshot(*row) if row else None


def snapshot_list(stream_id: str) -> list[Snapshot]:
    check_stream_id(stream_id)
    qs = SnapshotRow.objects.filter(stream_id=stream_id).order_by("version")
    return [Snapshot(*row) for row in qs.values_list("stream_id", "version", "state", "created_at")]


def stream_export(stream_id: str) -> Iterator[str]:
    """The stream as JSON Lines (one stored event per line, without the
    trailing newline), for ``stream_import``. Raises ``StreamNotFound``."""
    events = event_read(stream_id=stream_id)
    return (event_to_line(e) for e in events)


# --- Integrity --------------------------------------------------------------


def _check_chain(result: VerificationResult, events: list[StoredEvent]) -> None:
    stream_id = result.stream_id
    expected = 1
    prev_hash = GENESIS_HASH
    prev_position = 0
    for e in events:
        if e.stream_id != stream_id:
            result.add(e.version, f"event belongs to stream {e.stream_id!r}")
        if e.version != expected:
            if e.version > expected:
                missing = (
                    f"{expected}" if e.version == expected + 1 else f"{expected}..{e.version - 1}"
                )
                result.add(
                    expected, f"version gap: version(s) {missing} missing before {e.version}"
                )
            else:
                result.add(
                    e.version, f"duplicate or out-of-order version {e.version} after {expected - 1}"
                )
        if e.prev_hash != prev_hash:
            result.add(
                e.version, "prev_hash does not match the hash of the previous event (chain broken)"
            )
        try:
            recomputed = event_hash(
                stream_id=e.stream_id,
                version=e.version,
                type=e.type,
                data=e.data,
                metadata=e.metadata,
                recorded_at=iso(e.recorded_at),
                prev_hash=e.prev_hash,
            )
        except (TypeError, ValueError) as exc:
            recomputed = f"<unhashable: {exc}>"
        if recomputed != e.hash:
            result.add(
                e.version,
                "hash mismatch: stored content (type, data, metadata or time) differs from "
                f"what was hashed (stored {e.hash[:12]}..., recomputed {recomputed[:12]}...)",
            )
        if e.position <= prev_position:
            result.add(e.version, f"global position {e.position} is not after {prev_position}")
        prev_hash = e.hash
        prev_position = e.position
        expected = e.version + 1


def _head_row(stream_id: str) -> tuple[int, str, Any] | None:
    return (
        Stream.objects.filter(stream_id=stream_id)
        .values_list("version", "last_hash", "archived_at")
        .first()
    )


def _live_head_and_events(
    stream_id: str, head: tuple[int, str, Any] | None, attempts: int = 5
) -> tuple[tuple[int, str, Any] | None, list[StoredEvent]]:
    """The head row and the events as they stood together.

    The head is read before the events, so an append that commits between
    the two reads (on a live stream) shows as events beyond the head. Head
    and events always commit together, so such a stream is read again; one
    whose head and events still disagree after a few reads really is broken.
    """
    events: list[StoredEvent] = []
    for _ in range(attempts):
        events = [
            _stored(row)
            for row in Event.objects.filter(stream_id=stream_id)
            .order_by("version")
            .values_list(*_EVENT_FIELDS)
        ]
        if head is None or not events or events[-1].version <= head[0]:
            return head, events
        head = _head_row(stream_id)
        if head is not None and head[0] == events[-1].version:
            return head, events
    return head, events


def stream_verify(
    stream_id: str, *, replay_checks: bool = True, events: list[StoredEvent] | None = None
) -> VerificationResult:
    """Check a live or archived stream: hash chain, no version gaps, global
    positions increasing, head and archive bookkeeping, then every
    registered replay check. Raises ``StreamNotFound`` for an unknown stream."""
    check_stream_id(stream_id)
    result = VerificationResult(stream_id=stream_id)
    head = _head_row(stream_id)
    archive = None
    if events is None:
        if head is None or head[2] is None:
            head, events = _live_head_and_events(stream_id, head)
        else:
            archive = ArchivedStream.objects.filter(stream_id=stream_id).first()
            if archive is None:
                result.add(None, "stream is marked archived but its archive row is missing")
                events = []
            else:
                try:
                    events = _archived_events(stream_id)
                except (zlib.error, UnicodeDecodeError, InvalidEvent) as exc:
                    result.add(None, f"archive payload cannot be read: {exc}")
                    events = []
    if head is None and not events:
        raise StreamNotFound(stream_id)
    result.archived = bool(head and head[2] is not None)
    result.event_count = len(events)
    _check_chain(result, events)
    last = events[-1] if events else None
    if head is None:
        result.add(None, "events exist but the stream head row is missing")
    else:
        version, last_hash, _ = head
        if last is not None and version != last.version:
            result.add(
                version,
                f"stream head says version {version} but the last event is version {last.version}",
            )
        if last is not None and last_hash != last.hash:
            result.add(last.version, "stream head's last hash differs from the last event's hash")
        if last is None and not result.problems:
            result.add(version, f"stream head says version {version} but there are no events")
    if archive is not None and events:
        if archive.event_count != len(events):
            result.add(
                None, f"archive records {archive.event_count} events, payload holds {len(events)}"
            )
        if archive.first_hash != events[0].hash or archive.last_hash != events[-1].hash:
            result.add(None, "archive first/last hash differ from the payload's events")
    if replay_checks:
        snapshots = snapshot_list(stream_id)
        if last is not None:
            beyond = [s for s in snapshots if s.version > last.version]
            if beyond and not result.archived:
                moved = _head_row(stream_id)
                if moved is not None and moved[0] >= max(s.version for s in beyond):
                    # Written (with its events) since they were read: the next
                    # verification checks it.
                    snapshots = [s for s in snapshots if s.version <= last.version]
                    beyond = []
            for s in beyond:
                result.add(s.version, f"snapshot at version {s.version} is beyond the last event")
        for check in hooks.replay_checks():
            name = getattr(check, "__qualname__", repr(check))
            try:
                problems = check(stream_id, events, snapshots) or []
            except Exception as exc:  # noqa: BLE001 - a crashing check is a finding, not a crash
                problems = [f"crashed: {type(exc).__name__}: {exc}"]
            for problem in problems:
                result.add(None, f"replay check {name}: {problem}")
    if not result.ok:
        error_log.error(
            "event stream failed verification",
            stream_id=stream_id,
            problems=result.problems[:20],
        )
    return result


def streams_verify_all() -> list[VerificationResult]:
    """``stream_verify`` for every stream (including event rows whose head
    row is missing), in stream id order."""
    ids = set(Stream.objects.values_list("stream_id", flat=True))
    ids.update(
        Event.objects.exclude(stream_id__in=Stream.objects.values("stream_id"))
        .values_list("stream_id", flat=True)
        .distinct()
    )
    return [stream_verify(stream_id) for stream_id in sorted(ids)]


# --- Stats ----------------------------------------------------------------


def eventstore_stats(top: int = 20) -> dict[str, Any]:
    """Figures for ops: events (live, archived, per type), streams by
    status, the ``top`` largest streams, storage bytes and compression."""
    live_events = Event.objects.count()
    per_type: dict[str, int] = dict(
        Event.objects.values_list("type").annotate(n=Count("position")).order_by()
    )
    archive = ArchivedStream.objects.aggregate(
        streams=Count("stream_id"),
        events=Coalesce(Sum("event_count"), 0),
        raw=Coalesce(Sum("raw_bytes"), 0),
        compressed=Coalesce(Sum("compressed_bytes"), 0),
    )
    for counts in ArchivedStream.objects.values_list("type_counts", flat=True).iterator():
        for event_type, n in (counts or {}).items():
            per_type[event_type] = per_type.get(event_type, 0) + n
    row_bytes = Event.objects.aggregate(
        n=Coalesce(
            Sum(
                Length(Cast("data", TextField()), output_field=IntegerField())
                + Length(Cast("metadata", TextField()), output_field=IntegerField())
            ),
            0,
        )
    )["n"]
    streams = Stream.objects.aggregate(
        total=Count("stream_id"),
        archived=Count("stream_id", filter=Q(archived_at__isnull=False)),
        finished=Count("stream_id", filter=Q(finished_at__isnull=False, archived_at__isnull=True)),
        live=Count("stream_id", filter=Q(finished_at__isnull=True, archived_at__isnull=True)),
    )
    top_streams = [
        {"stream_id": sid, "events": version, "archived": archived_at is not None}
        for sid, version, archived_at in Stream.objects.order_by(
            "-version", "stream_id"
        ).values_list("stream_id", "version", "archived_at")[:top]
    ]
    return {
        "events": {
            "total": live_events + archive["events"],
            "live": live_events,
            "archived": archive["events"],
            "per_type": dict(sorted(per_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        },
        "streams": {
            "total": streams["total"],
            "live": streams["live"],
            "finished": streams["finished"],
            "archived": streams["archived"],
            "top": top_streams,
        },
        "snapshots": SnapshotRow.objects.count(),
        "storage_bytes": {
            "event_rows_json": row_bytes,
            "archive_raw": archive["raw"],
            "archive_compressed": archive["compressed"],
        },
        "compression_ratio": round(archive["raw"] / archive["compressed"], 2)
        if archive["compressed"]
        else None,
        "generated_at": iso(timezone.now()),
    }
