"""Writes to the event store. Every function is keyword-only where it takes
more than a stream id, validates its input before touching the database and
runs in one ``transaction.atomic()`` block, so it nests inside a caller's
transaction (the rooms layer updates its projections in the same one) and
leaves nothing half-written on any failure.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from eventstore import selectors
from eventstore.canonical import (
    GENESIS_HASH,
    MAX_EVENT_BYTES,
    canonical_json,
    chained_hash,
    check_stream_id,
    check_type,
    check_version,
    clean_json,
    event_hash,
    iso,
)
from eventstore.errors import (
    ConcurrencyError,
    EventStoreError,
    IntegrityViolation,
    InvalidEvent,
    StreamArchived,
    StreamNotFound,
)
from eventstore.hooks import snapshot_builders
from eventstore.jsonl import event_to_line, parse_lines
from eventstore.models import ArchivedStream, Event, Snapshot, Stream
from eventstore.types import ArchiveInfo, NewEvent, Projection, StoredEvent, VerificationResult
from eventstore.types import Snapshot as SnapshotValue
from liaptui.logging_setup import get_logger

perf_log = get_logger("performance")
error_log = get_logger("error")

SLOW_APPEND_SECONDS = 0.25
MAX_CORRELATION_ID = 128


def _prepare(events: Sequence[NewEvent]) -> list[tuple[str, dict, dict, str]]:
    if isinstance(events, NewEvent | dict | str | bytes):
        raise InvalidEvent("events must be a sequence of NewEvent, not a single value")
    try:
        events = list(events)
    except TypeError:
        raise InvalidEvent(
            f"events must be a sequence of NewEvent, got {type(events).__name__}"
        ) from None
    if not events:
        raise InvalidEvent("nothing to append: events is empty")
    prepared = []
    for i, event in enumerate(events):
        if not isinstance(event, NewEvent):
            raise InvalidEvent(f"events[{i}] must be a NewEvent, got {type(event).__name__}")
        check_type(event.type)
        if not isinstance(event.data, dict):
            raise InvalidEvent(
                f"events[{i}] ({event.type}): data must be a dict, got {type(event.data).__name__}"
            )
        if not isinstance(event.metadata, dict):
            raise InvalidEvent(
                f"events[{i}] ({event.type}): metadata must be a dict, "
                f"got {type(event.metadata).__name__}"
            )
        data = clean_json(event.data, f"events[{i}] ({event.type}) data")
        metadata = clean_json(event.metadata, f"events[{i}] ({event.type}) metadata")
        correlation_id = metadata.get("correlation_id") or ""
        if not isinstance(correlation_id, str) or len(correlation_id) > MAX_CORRELATION_ID:
            raise InvalidEvent(
                f"events[{i}] ({event.type}): metadata correlation_id must be a string of at most "
                f"{MAX_CORRELATION_ID} characters, got {correlation_id!r}"
            )
        prepared.append((event.type, data, metadata, correlation_id))
    return prepared


_SELECT_HEAD = "SELECT version, last_hash, archived_at FROM eventstore_stream WHERE stream_id = %s"
_EVENT_COLUMNS = (
    "stream_id, version, type, data, metadata, correlation_id, recorded_at, hash, prev_hash"
)
_INSERT_HEAD = (
    "INSERT INTO eventstore_stream (stream_id, version, last_hash, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s)"
)
_UPDATE_HEAD = (
    "UPDATE eventstore_stream SET version = %s, last_hash = %s, updated_at = %s "
    "WHERE stream_id = %s"
)


def event_append(
    *,
    stream_id: str,
    events: Sequence[NewEvent],
    expected_version: int,
    recorded_at: datetime | None = None,
    projection: Projection | None = None,
) -> list[StoredEvent]:
    """Append ``events`` to ``stream_id`` if it is at ``expected_version``
    (0 = the stream must not exist yet); return them as stored, with versions
    ``expected_version + 1 ...``.

    ``recorded_at`` (timezone-aware; default now) lets a caller fold the
    events before it appends them. ``projection`` is a read-model row updated
    in the same atomic write (same statement on the fast path below), so a
    caller needs no transaction of its own for a plain command.

    Raises ``ConcurrencyError`` when the stream is at another version
    (another writer got there first), ``StreamArchived`` for an archived
    stream, ``InvalidEvent`` for bad input (nothing is written).

    The hot path is hand-written SQL (the ORM cost 5x the database time).
    On PostgreSQL, when this process knows the stream's head (a new stream,
    or the head it wrote or read last), the append is **one statement**: a
    data-modifying CTE that moves the head only if it is still at
    ``expected_version`` with that hash, and inserts the events only if the
    head moved. Outside a caller's transaction that statement is its own
    atomic commit (one round trip instead of BEGIN + lock + write + COMMIT).
    If the head did not move (someone else wrote, or the hint was stale),
    nothing was written and the locked path below decides: ``SELECT ... FOR
    UPDATE`` of the head row, then the head update and the inserts. The
    unique constraints on the head (stream_id) and the events (stream_id,
    version) are the backstop that turns any race into ``ConcurrencyError``.
    """
    started = time.perf_counter()
    batch = new_batch(stream_id, events, expected_version, recorded_at, projection)
    try:
        stored = None
        if connection.vendor == "postgresql":
            stored = _append_one_statement(batch)
        if stored is None:
            stored = _append_locked(batch)
    except IntegrityError as exc:
        # The unique (stream_id) head or (stream_id, version) event constraint:
        # another writer created the stream or appended concurrently.
        _HEADS.pop(stream_id, None)
        raise ConcurrencyError(stream_id, expected_version, _version_or_none(stream_id)) from exc
    log_if_slow(stored, time.perf_counter() - started)
    return stored


def new_batch(
    stream_id: str,
    events: Sequence[NewEvent],
    expected_version: int,
    recorded_at: datetime | None,
    projection: Projection | None,
) -> _Batch:
    """Validate an append's input (``InvalidEvent`` before anything is
    written) and serialise it once."""
    check_stream_id(stream_id)
    check_version(expected_version, "expected_version")
    prepared = _prepare(events)
    if projection is not None:
        _check_projection(projection)
    if recorded_at is not None and not isinstance(recorded_at, datetime):
        raise InvalidEvent(f"recorded_at must be a datetime, got {type(recorded_at).__name__}")
    now = timezone.now() if recorded_at is None else recorded_at
    return _Batch(stream_id, expected_version, prepared, now, projection)


def log_if_slow(stored: list[StoredEvent], elapsed: float) -> None:
    if elapsed > SLOW_APPEND_SECONDS:
        perf_log.warning(
            "slow event append",
            stream_id=stored[0].stream_id,
            events=len(stored),
            ms=round(elapsed * 1000, 1),
        )


# stream_id -> (version, last_hash) this process last wrote or read: only a
# hint for the one-statement append (the database re-checks both), so a stale
# entry costs one extra round trip, never a wrong write. Bounded; cleared when full.
_HEADS: dict[str, tuple[int, str]] = {}
_HEADS_LIMIT = 20_000


def _remember_head(stream_id: str, version: int, last_hash: str) -> None:
    if len(_HEADS) >= _HEADS_LIMIT:
        _HEADS.clear()
    _HEADS[stream_id] = (version, last_hash)


def forget_heads() -> None:
    """Drop every head hint (tests that rewrite streams behind the store's back)."""
    _HEADS.clear()


class _Batch:
    """One append's validated events, serialised once; rows and SQL are built
    for a given previous hash (known up front on the fast path, read under
    the lock on the slow one)."""

    __slots__ = (
        "stream_id",
        "expected_version",
        "prepared",
        "now",
        "stream_id_json",
        "recorded_json",
        "serialised",
        "projection",
    )

    def __init__(
        self,
        stream_id: str,
        expected_version: int,
        prepared: list[tuple[str, dict, dict, str]],
        now: Any,
        projection: Projection | None,
    ) -> None:
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.prepared = prepared
        self.now = now
        self.projection = projection
        self.stream_id_json = json.dumps(stream_id, ensure_ascii=False)
        self.recorded_json = json.dumps(iso(now))
        self.serialised = []
        for event_type, data, metadata, correlation_id in prepared:
            data_json = canonical_json(data)
            metadata_json = canonical_json(metadata)
            if len(data_json) + len(metadata_json) > MAX_EVENT_BYTES:
                raise InvalidEvent(
                    f"event {event_type!r} for stream {stream_id!r} is larger than "
                    f"{MAX_EVENT_BYTES} bytes"
                )
            self.serialised.append(
                (event_type, data, metadata, correlation_id, data_json, metadata_json)
            )

    def chain(self, prev_hash: str, db_now: Any) -> tuple[list[tuple], list[Any], str]:
        """(rows, insert params, last hash) for events chained after ``prev_hash``."""
        rows: list[tuple] = []
        params: list[Any] = []
        version = self.expected_version
        for event_type, data, metadata, correlation_id, data_json, metadata_json in self.serialised:
            version += 1
            digest = chained_hash(
                stream_id_json=self.stream_id_json,
                version=version,
                type_json=json.dumps(event_type),
                data_json=data_json,
                metadata_json=metadata_json,
                recorded_at_json=self.recorded_json,
                prev_hash=prev_hash,
            )
            rows.append((version, event_type, data, metadata, digest, prev_hash))
            params += (
                self.stream_id, version, event_type, data_json, metadata_json,
                correlation_id, db_now, digest, prev_hash,
            )  # fmt: skip
            prev_hash = digest
        return rows, params, prev_hash

    def projection_sql(self, gate: str | None) -> tuple[str, list[Any]]:
        """The projection's UPDATE; with ``gate``, only if that CTE returned a row."""
        p = self.projection
        assert p is not None
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(column)} = %s" for column in p.values)
        sql = f"UPDATE {quote(p.table)} SET {sets} WHERE {quote(p.key_column)} = %s"
        if gate is not None:
            sql += f" AND EXISTS (SELECT 1 FROM {gate}) RETURNING 1"
        return sql, [*p.values.values(), p.key]

    def projection_exists_sql(self) -> tuple[str, list[Any]]:
        p = self.projection
        assert p is not None
        quote = connection.ops.quote_name
        return (
            f"EXISTS (SELECT 1 FROM {quote(p.table)} WHERE {quote(p.key_column)} = %s)",
            [p.key],
        )

    def stored(self, rows: list[tuple], positions: dict[int, int]) -> list[StoredEvent]:
        return [
            StoredEvent(
                stream_id=self.stream_id,
                version=v,
                position=positions[v],
                type=event_type,
                data=data,
                metadata=metadata,
                recorded_at=self.now,
                hash=digest,
                prev_hash=prev,
            )
            for v, event_type, data, metadata, digest, prev in rows
        ]


_FAST_VALUE = (
    "(%s::varchar, %s::integer, %s::varchar, %s::jsonb, %s::jsonb, %s::varchar, "
    "%s::timestamptz, %s::varchar, %s::varchar)"
)
_FAST_INSERT_HEAD = (
    "INSERT INTO eventstore_stream (stream_id, version, last_hash, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (stream_id) DO NOTHING RETURNING 1"
)
_FAST_INSERT_HEAD_IF = (
    "INSERT INTO eventstore_stream (stream_id, version, last_hash, created_at, updated_at) "
    "SELECT %s, %s, %s, %s, %s WHERE {condition} "
    "ON CONFLICT (stream_id) DO NOTHING RETURNING 1"
)
_FAST_UPDATE_HEAD = (
    "UPDATE eventstore_stream SET version = %s, last_hash = %s, updated_at = %s "
    "WHERE stream_id = %s AND version = %s AND last_hash = %s AND archived_at IS NULL "
    "RETURNING 1"
)


def _append_one_statement(batch: _Batch) -> list[StoredEvent] | None:
    """The PostgreSQL fast path: the stored events, or None when the head hint
    was missing or wrong (then nothing was written)."""
    statement = one_statement(batch)
    if statement is None:
        return None
    # Inside a caller's transaction: no savepoint (a failure aborts the
    # caller's block, as any failed statement would); outside: autocommit,
    # so the statement is the whole transaction.
    with transaction.atomic(savepoint=False) if connection.in_atomic_block else nullcontext():
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            positions = dict(cursor.fetchall())
    return statement.outcome(positions)


class OneStatement:
    """The one-statement append of a batch (PostgreSQL), ready to run on any
    connection: ``sql`` and ``params``, then ``outcome(positions)`` with the
    (version, position) rows it returned."""

    __slots__ = ("batch", "sql", "params", "rows", "version", "last_hash")

    def __init__(
        self,
        batch: _Batch,
        sql: str,
        params: list[Any],
        rows: list[tuple],
        version: int,
        last_hash: str,
    ) -> None:
        self.batch, self.sql, self.params, self.rows = batch, sql, params, rows
        self.version, self.last_hash = version, last_hash

    def outcome(self, positions: dict[int, int]) -> list[StoredEvent] | None:
        """The stored events, or None (and the head hint dropped) when nothing was written."""
        stream_id = self.batch.stream_id
        if not positions:
            # Nothing was written: the head moved, or (with a projection) its row
            # is missing; the locked path tells which.
            _HEADS.pop(stream_id, None)
            return None
        _remember_head(stream_id, self.version, self.last_hash)
        return self.batch.stored(self.rows, positions)


def one_statement(batch: _Batch) -> OneStatement | None:
    """Build the one-statement append, or None when this process does not know
    the stream's head (only a new stream or a remembered head can go this way)."""
    stream_id, expected = batch.stream_id, batch.expected_version
    if expected == 0:
        prev_hash = GENESIS_HASH
    else:
        hint = _HEADS.get(stream_id)
        if hint is None or hint[0] != expected:
            return None
        prev_hash = hint[1]
    db_now = connection.ops.adapt_datetimefield_value(batch.now)
    rows, params, last_hash = batch.chain(prev_hash, db_now)
    version = rows[-1][0]
    if expected == 0:
        head_sql, head_params = _FAST_INSERT_HEAD, [stream_id, version, last_hash, db_now, db_now]
    else:
        head_sql = _FAST_UPDATE_HEAD
        head_params = [version, last_hash, db_now, stream_id, expected, prev_hash]
    ctes, cte_params = f"head AS ({head_sql})", head_params
    if batch.projection is not None:
        # The head moves only if the projection row exists, and the row is
        # updated only if the head moved: events and read model go together.
        # (A row deleted by a transaction that commits between the check and
        # the update would leave the events without it: the row is gone anyway.)
        exists_sql, exists_params = batch.projection_exists_sql()
        ctes = f"head AS ({_with_condition(head_sql, exists_sql)})"
        projection_sql, projection_params = batch.projection_sql(gate="head")
        ctes += f", projected AS ({projection_sql})"
        cte_params = head_params + exists_params + projection_params  # condition is last
    sql = (
        f"WITH {ctes} INSERT INTO eventstore_event ({_EVENT_COLUMNS}) "
        f"SELECT * FROM (VALUES {', '.join([_FAST_VALUE] * len(rows))}) AS new "
        "WHERE EXISTS (SELECT 1 FROM head) RETURNING version, position"
    )
    return OneStatement(batch, sql, cte_params + params, rows, version, last_hash)


def _with_condition(head_sql: str, condition: str) -> str:
    """Add ``condition`` to the head statement: a WHERE term for the UPDATE,
    a SELECT ... WHERE source for the INSERT of a new head."""
    if head_sql is _FAST_UPDATE_HEAD:
        return head_sql.replace(" RETURNING 1", f" AND {condition} RETURNING 1")
    return _FAST_INSERT_HEAD_IF.format(condition=condition)


def _append_locked(batch: _Batch) -> list[StoredEvent]:
    """The general path: lock (or find no) head row, check it, write head and events."""
    stream_id, expected_version = batch.stream_id, batch.expected_version
    with transaction.atomic():
        postgres = connection.vendor == "postgresql"
        db_now = connection.ops.adapt_datetimefield_value(batch.now)
        with connection.cursor() as cursor:
            cursor.execute(_SELECT_HEAD + (" FOR UPDATE" if postgres else ""), [stream_id])
            head = cursor.fetchone()
            if head is None:
                if expected_version != 0:
                    raise ConcurrencyError(stream_id, expected_version, 0)
                prev_hash = GENESIS_HASH
            else:
                version, prev_hash, archived_at = head
                if archived_at is not None:
                    raise StreamArchived(stream_id)
                if version != expected_version:
                    _remember_head(stream_id, version, prev_hash)
                    raise ConcurrencyError(stream_id, expected_version, version)
            rows, params, last_hash = batch.chain(prev_hash, db_now)
            version = rows[-1][0]
            value = (
                "(%s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s)"
                if postgres
                else ("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
            )
            insert = (
                f"INSERT INTO eventstore_event ({_EVENT_COLUMNS}) VALUES "
                + ", ".join([value] * len(rows))
                + " RETURNING version, position"
            )
            if head is None:
                head_sql, head_params = (
                    _INSERT_HEAD,
                    [stream_id, version, last_hash, db_now, db_now],
                )
            else:
                head_sql, head_params = _UPDATE_HEAD, [version, last_hash, db_now, stream_id]
            if postgres:
                # One round trip: the CTE runs to completion even though
                # the main statement does not read it.
                cursor.execute(f"WITH head AS ({head_sql}) {insert}", head_params + params)
            else:
                cursor.execute(head_sql, head_params)
                cursor.execute(insert, params)
            positions = dict(cursor.fetchall())
            if batch.projection is not None:
                cursor.execute(*batch.projection_sql(gate=None))
                if cursor.rowcount != 1:
                    raise InvalidEvent(
                        f"projection row {batch.projection.table}.{batch.projection.key_column}"
                        f"={batch.projection.key!r} does not exist: nothing was appended"
                    )
    _remember_head(stream_id, version, last_hash)
    return batch.stored(rows, positions)


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_projection(projection: Projection) -> None:
    if not isinstance(projection, Projection):
        raise InvalidEvent(f"projection must be a Projection, got {type(projection).__name__}")
    names = [projection.table, projection.key_column, *projection.values]
    bad = [n for n in names if not isinstance(n, str) or not _IDENTIFIER.match(n)]
    if bad or not projection.values:
        raise InvalidEvent(
            f"projection needs plain table/column names and at least one value, got {bad or names}"
        )


def _version_or_none(stream_id: str) -> int | None:
    try:
        return selectors.stream_version(stream_id)
    except DatabaseError:  # pragma: no cover - outer transaction unusable
        return None


def _locked_head(stream_id: str) -> Stream:
    check_stream_id(stream_id)
    head = Stream.objects.select_for_update().filter(stream_id=stream_id).first()
    if head is None:
        raise StreamNotFound(stream_id)
    return head


def snapshot_save(*, stream_id: str, version: int, state: dict[str, Any]) -> SnapshotValue:
    """Store the folded ``state`` of ``stream_id`` at ``version`` (1 ..
    current version); saving the same version again replaces it."""
    check_stream_id(stream_id)
    check_version(version, "snapshot version", minimum=1)
    if not isinstance(state, dict):
        raise InvalidEvent(f"snapshot state must be a dict, got {type(state).__name__}")
    state = clean_json(state, f"snapshot state of {stream_id}")
    now = timezone.now()
    with transaction.atomic():
        current = selectors.stream_version(stream_id)
        if current == 0:
            raise StreamNotFound(stream_id)
        if version > current:
            raise InvalidEvent(
                f"cannot snapshot stream {stream_id!r} at version {version}: "
                f"it is at version {current}"
            )
        Snapshot.objects.update_or_create(
            stream_id=stream_id, version=version, defaults={"state": state, "created_at": now}
        )
    return SnapshotValue(stream_id=stream_id, version=version, state=state, created_at=now)


def stream_mark_finished(stream_id: str) -> None:
    """Mark the stream finished (eligible for archiving after the retention
    period). Idempotent; appends remain possible until it is archived."""
    with transaction.atomic():
        head = _locked_head(stream_id)
        if head.finished_at is None:
            Stream.objects.filter(stream_id=stream_id).update(finished_at=timezone.now())


def stream_archive(stream_id: str) -> ArchiveInfo:
    """Compress the stream's events (zlib of JSON Lines) into the archive
    table and delete its event rows and all but its latest snapshot.

    The stream is verified first: a broken chain raises
    ``IntegrityViolation`` and nothing changes. Archiving an archived stream
    returns its existing archive.
    """
    with transaction.atomic():
        head = _locked_head(stream_id)
        if head.archived_at is not None:
            archive = ArchivedStream.objects.get(stream_id=stream_id)
            return _archive_info(archive)
        events = selectors.event_read(stream_id=stream_id)
        result = selectors.stream_verify(stream_id, replay_checks=False, events=events)
        if not result.ok:
            first = result.problems[0]
            raise IntegrityViolation(
                f"refusing to archive stream {stream_id!r}: {first['problem']} "
                f"(version {first['version']}); run eventstore_verify",
                stream_id=stream_id,
                version=first["version"],
            )
        raw = "".join(event_to_line(e) + "\n" for e in events).encode("utf-8")
        payload = zlib.compress(raw, 6)
        # Read it back before deleting anything.
        if [e.hash for e in parse_lines(zlib.decompress(payload).decode("utf-8").splitlines())] != [
            e.hash for e in events
        ]:  # pragma: no cover - zlib/json would have to be broken
            raise IntegrityViolation(f"archive of {stream_id!r} did not read back identically")
        now = timezone.now()
        archive = ArchivedStream.objects.create(
            stream_id=stream_id,
            payload=payload,
            event_count=len(events),
            raw_bytes=len(raw),
            compressed_bytes=len(payload),
            first_hash=events[0].hash,
            last_hash=events[-1].hash,
            first_position=events[0].position,
            last_position=events[-1].position,
            type_counts=dict(Counter(e.type for e in events)),
            archived_at=now,
        )
        Event.objects.filter(stream_id=stream_id).delete()
        latest = Snapshot.objects.filter(stream_id=stream_id).order_by("-version").first()
        if latest is not None:
            Snapshot.objects.filter(stream_id=stream_id).exclude(pk=latest.pk).delete()
        Stream.objects.filter(stream_id=stream_id).update(archived_at=now)
    return _archive_info(archive)


def _archive_info(archive: ArchivedStream) -> ArchiveInfo:
    return ArchiveInfo(
        stream_id=archive.stream_id,
        event_count=archive.event_count,
        raw_bytes=archive.raw_bytes,
        compressed_bytes=archive.compressed_bytes,
        archived_at=archive.archived_at,
    )


def streams_archive_finished(older_than: timedelta | None = None) -> int:
    """Archive every finished stream whose ``finished_at`` is older than
    ``older_than`` (default ``settings.LIAPTUI["EVENT_RETENTION_DAYS"]``);
    return how many were archived. A stream that fails verification is
    logged (category ``error``) and skipped; the others still go."""
    if older_than is None:
        older_than = timedelta(days=settings.LIAPTUI["EVENT_RETENTION_DAYS"])
    if older_than < timedelta(0):
        raise InvalidEvent(f"older_than must not be negative, got {older_than}")
    cutoff = timezone.now() - older_than
    candidates = list(
        Stream.objects.filter(
            finished_at__isnull=False, finished_at__lte=cutoff, archived_at__isnull=True
        )
        .order_by("finished_at")
        .values_list("stream_id", flat=True)
    )
    archived = raw = compressed = 0
    started = time.perf_counter()
    for stream_id in candidates:
        try:
            info = stream_archive(stream_id)
        except EventStoreError as exc:
            error_log.error("stream archive failed", stream_id=stream_id, error=str(exc))
            continue
        archived += 1
        raw += info.raw_bytes
        compressed += info.compressed_bytes
    if candidates:
        perf_log.info(
            "finished streams archived",
            archived=archived,
            candidates=len(candidates),
            raw_bytes=raw,
            compressed_bytes=compressed,
            seconds=round(time.perf_counter() - started, 3),
        )
    return archived


def stream_import(lines: Iterable[str | bytes], *, replace: bool = False) -> VerificationResult:
    """Restore a stream from ``stream_export`` JSON Lines, exactly: same
    versions, types, data, metadata, times and hashes (positions are new).

    Every line is checked (one stream, versions 1..n, hash chain recomputed)
    before anything is written; the stream is verified again inside the
    transaction. Refuses (``EventStoreError``) if the stream exists, unless
    ``replace`` (which drops its events, snapshots and archive first).
    """
    events = list(parse_lines(lines))
    if not events:
        raise InvalidEvent("nothing to import: no events in the input")
    stream_id = check_stream_id(events[0].stream_id)
    prev_hash = GENESIS_HASH
    rows = []
    for expected, event in enumerate(events, start=1):
        where = f"import of {stream_id!r}, version {event.version!r}"
        if event.stream_id != stream_id:
            raise InvalidEvent(f"{where}: line for another stream {event.stream_id!r}")
        check_version(event.version, "version", minimum=1)
        if event.version != expected:
            raise IntegrityViolation(
                f"{where}: expected version {expected} (versions run 1, 2, 3 ... without gaps)",
                stream_id=stream_id,
                version=expected,
            )
        check_type(event.type)
        data = clean_json(event.data, f"{where} data")
        metadata = clean_json(event.metadata, f"{where} metadata")
        if not isinstance(data, dict) or not isinstance(metadata, dict):
            raise InvalidEvent(f"{where}: data and metadata must be objects")
        if event.prev_hash != prev_hash:
            raise IntegrityViolation(
                f"{where}: prev_hash does not match the previous event's hash",
                stream_id=stream_id,
                version=event.version,
            )
        digest = event_hash(
            stream_id=stream_id,
            version=event.version,
            type=event.type,
            data=data,
            metadata=metadata,
            recorded_at=iso(event.recorded_at),
            prev_hash=prev_hash,
        )
        if digest != event.hash:
            raise IntegrityViolation(
                f"{where}: hash does not match the event's content (altered after export?)",
                stream_id=stream_id,
                version=event.version,
            )
        correlation_id = metadata.get("correlation_id") or ""
        rows.append(
            Event(
                stream_id=stream_id,
                version=event.version,
                type=event.type,
                data=data,
                metadata=metadata,
                correlation_id=str(correlation_id)[:MAX_CORRELATION_ID],
                recorded_at=event.recorded_at,
                hash=digest,
                prev_hash=prev_hash,
            )
        )
        prev_hash = digest
    with transaction.atomic():
        exists = (
            Stream.objects.select_for_update().filter(stream_id=stream_id).exists()
            or Event.objects.filter(stream_id=stream_id).exists()
            or ArchivedStream.objects.filter(stream_id=stream_id).exists()
        )
        if exists:
            if not replace:
                raise EventStoreError(
                    f"stream {stream_id!r} already exists; "
                    "use replace=True (--replace) to overwrite it"
                )
            Event.objects.filter(stream_id=stream_id).delete()
            Snapshot.objects.filter(stream_id=stream_id).delete()
            ArchivedStream.objects.filter(stream_id=stream_id).delete()
            Stream.objects.filter(stream_id=stream_id).delete()
        Stream.objects.create(
            stream_id=stream_id,
            version=len(rows),
            last_hash=prev_hash,
            created_at=events[0].recorded_at,
            updated_at=events[-1].recorded_at,
        )
        Event.objects.bulk_create(rows, batch_size=500)
        result = selectors.stream_verify(stream_id)
        if not result.ok:
            raise IntegrityViolation(
                f"imported stream failed verification:\n{result}", stream_id=stream_id
            )
    perf_log.info("stream imported", stream_id=stream_id, events=len(rows), replaced=exists)
    return result


def snapshots_rebuild(stream_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Fold each stream with the registered snapshot builders and save a
    snapshot at its last version. Returns ``{"saved", "skipped"}`` counts;
    raises ``EventStoreError`` when no builder is registered."""
    builders = snapshot_builders()
    if not builders:
        raise EventStoreError(
            "no snapshot builder is registered (eventstore.register_snapshot_builder); "
            "nothing to rebuild"
        )
    if stream_ids is None:
        stream_ids = (
            Stream.objects.order_by("stream_id").values_list("stream_id", flat=True).iterator()
        )
    saved = skipped = 0
    for stream_id in stream_ids:
        events = selectors.event_read(stream_id=stream_id)
        state = None
        for builder in builders:
            state = builder(stream_id, events)
            if state is not None:
                break
        if state is None or not events:
            skipped += 1
            continue
        snapshot_save(stream_id=stream_id, version=events[-1].version, state=state)
        saved += 1
    return {"saved": saved, "skipped": skipped}
