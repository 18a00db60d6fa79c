"""Validation, canonical JSON and the hash chain (no Django import).

Hash of an event::

    hash = sha256(canonical_json({
        "stream_id": stream_id, "version": version, "type": type,
        "data": data, "metadata": metadata,
        "recorded_at": recorded_at in UTC, ISO 8601 with microseconds
                       (e.g. "2026-05-09T07:35:25.123456+00:00"),
        "prev_hash": hash of the previous event of the stream
                     (GENESIS_HASH, 64 zeros, for version 1),
    })).hexdigest()

    canonical_json(x) = json.dumps(x, sort_keys=True, separators=(",", ":"),
                                   ensure_ascii=False, allow_nan=False), UTF-8

The global position is deliberately not hashed: a stream exported and
imported elsewhere keeps its hashes while getting new positions.

Accepted JSON values are dict (str keys), list/tuple (stored as list), str
(no NUL, valid Unicode: PostgreSQL's jsonb refuses the others), int, bool,
None and finite floats with |x| < 1e16 (jsonb prints larger ones as integer
digits, which would change the canonical form and break the hash).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from eventstore.errors import InvalidEvent

GENESIS_HASH = "0" * 64
MAX_STREAM_ID = 200
MAX_EVENT_BYTES = 1_000_000
TYPE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.:\-]{0,99}")
STREAM_ID_RE = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")
_FLOAT_LIMIT = 1e16


def check_stream_id(stream_id: object) -> str:
    if not isinstance(stream_id, str) or not stream_id:
        raise InvalidEvent(f"stream id must be a non-empty string, got {stream_id!r}")
    if not STREAM_ID_RE.fullmatch(stream_id):
        raise InvalidEvent(
            f"invalid stream id {stream_id!r}: 1 to {MAX_STREAM_ID} characters, "
            "no whitespace or control characters"
        )
    return stream_id


def check_version(value: object, name: str = "version", *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEvent(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise InvalidEvent(f"{name} must be >= {minimum}, got {value}")
    return value


def check_type(event_type: object) -> str:
    if not isinstance(event_type, str) or not TYPE_RE.fullmatch(event_type):
        raise InvalidEvent(
            f"invalid event type {event_type!r}: must start with a letter and use only "
            "letters, digits and _ . : - (at most 100 characters)"
        )
    return event_type


def _where(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p!r}]" for p in path) or "(top level)"


def clean_json(value: Any, what: str, path: tuple[Any, ...] = ()) -> Any:
    """Return a plain-JSON deep copy of ``value`` or raise ``InvalidEvent``
    naming the offending path."""
    t = type(value)
    if t is str:
        if "\x00" in value:
            raise InvalidEvent(f"{what}{_where(path)}: strings may not contain NUL characters")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidEvent(f"{what}{_where(path)}: string is not valid Unicode") from None
        return value
    if value is None or t is bool or t is int:
        return value
    if t is float:
        if not math.isfinite(value) or abs(value) >= _FLOAT_LIMIT:
            raise InvalidEvent(
                f"{what}{_where(path)}: float {value!r} is not allowed "
                "(must be finite and below 1e16 in size; store big numbers as int or str)"
            )
        return value
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise InvalidEvent(f"{what}{_where(path)}: key {k!r} is not a string")
            out[clean_json(k, what, path)] = clean_json(v, what, (*path, k))
        return out
    if t is list or t is tuple:
        return [clean_json(v, what, (*path, i)) for i, v in enumerate(value)]
    # Subclasses (enums, ...): accept the plain value they serialise as.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return clean_json(str.__str__(value), what, path)
    raise InvalidEvent(
        f"{what}{_where(path)}: a {t.__name__} is not JSON-serialisable "
        "(allowed: dict with str keys, list, tuple, str, int, float, bool, None)"
    )


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def chained_hash(
    *,
    stream_id_json: str,
    version: int,
    type_json: str,
    data_json: str,
    metadata_json: str,
    recorded_at_json: str,
    prev_hash: str,
) -> str:
    """``event_hash`` from already-canonical JSON pieces (the append hot path
    serialises data once and reuses it for the hash and the row). The pieces
    are concatenated in sorted key order, which is exactly
    ``canonical_json`` of the whole dict."""
    payload = (
        f'{{"data":{data_json},"metadata":{metadata_json},"prev_hash":"{prev_hash}",'
        f'"recorded_at":{recorded_at_json},"stream_id":{stream_id_json},'
        f'"type":{type_json},"version":{version}}}'
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def iso(dt: datetime) -> str:
    """The canonical time string that is hashed."""
    if dt.tzinfo is None:
        raise InvalidEvent(f"recorded_at {dt!r} must be timezone-aware")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    stream_id: str,
    version: int,
    type: str,  # noqa: A002 - the field's name
    data: Any,
    metadata: Any,
    recorded_at: str,
    prev_hash: str,
    max_bytes: int | None = None,
) -> str:
    """The sha256 hex digest described in the module docstring; with
    ``max_bytes``, refuse (InvalidEvent) an event whose canonical form is larger."""
    payload = canonical_json(
        {
            "stream_id": stream_id,
            "version": version,
            "type": type,
            "data": data,
            "metadata": metadata,
            "recorded_at": recorded_at,
            "prev_hash": prev_hash,
        }
    ).encode("utf-8")
    if max_bytes is not None and len(payload) > max_bytes:
        raise InvalidEvent(
            f"event {type!r} for stream {stream_id!r} is {len(payload)} bytes; "
            f"the limit is {max_bytes}"
        )
    return hashlib.sha256(payload).hexdigest()
