"""Precise exception types; every one carries a message a human can act on."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base class of every error the event store raises on purpose."""


class ConcurrencyError(EventStoreError):
    """Another writer appended to the stream first (optimistic concurrency).

    The caller should reload the stream and decide again.
    """

    def __init__(self, stream_id: str, expected_version: int, actual_version: int | None) -> None:
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        if actual_version is None:
            message = (
                f"stream {stream_id!r}: another writer appended first "
                f"(expected version {expected_version}); reload and retry"
            )
        else:
            message = (
                f"stream {stream_id!r} is at version {actual_version}, "
                f"expected {expected_version}; reload and retry"
            )
        super().__init__(message)


class StreamNotFound(EventStoreError):
    """The stream has never been written (and was not archived)."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        super().__init__(f"stream {stream_id!r} does not exist")


class StreamArchived(EventStoreError):
    """The stream is archived: it can be read and verified, not appended to."""

    def __init__(self, stream_id: str) -> None:
        self.stream_id = stream_id
        super().__init__(
            f"stream {stream_id!r} is archived and read-only; it cannot be appended to"
        )


class InvalidEvent(EventStoreError, ValueError):
    """Bad input: non-JSON data, a bad type name or stream id, an invalid version..."""


class IntegrityViolation(EventStoreError):
    """Stored data does not match its hash chain (tampering, gaps, bad import)."""

    def __init__(self, message: str, *, stream_id: str | None = None, version: int | None = None):
        self.stream_id = stream_id
        self.version = version
        super().__init__(message)
