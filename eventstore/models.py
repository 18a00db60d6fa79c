"""Tables of the event store.

* ``Stream``: one head row per stream (current version, last hash,
  lifecycle). Appends lock it with ``SELECT ... FOR UPDATE``.
* ``Event``: one row per event; ``position`` is the global order
  (autoincrement primary key); unique (stream_id, version).
* ``Snapshot``: folded state of a stream at a version.
* ``ArchivedStream``: a finished stream's events as zlib-compressed JSON Lines.

Rows are written only through ``eventstore.services``.
"""

from __future__ import annotations

from django.db import models


class Stream(models.Model):
    stream_id = models.CharField(max_length=200, primary_key=True)
    version = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "eventstore_stream"
        indexes = [
            models.Index(fields=["finished_at"], name="eventstore_stream_finished"),
            models.Index(fields=["-version"], name="eventstore_stream_version"),
        ]

    def __str__(self) -> str:
        return f"{self.stream_id} @ {self.version}"


class Event(models.Model):
    position = models.BigAutoField(primary_key=True)
    stream_id = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=100, db_index=True)
    data = models.JSONField()
    metadata = models.JSONField(default=dict)
    # Copied from metadata["correlation_id"] so it can be indexed and searched.
    correlation_id = models.CharField(max_length=128, blank=True, default="", db_index=True)
    recorded_at = models.DateTimeField()
    hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)

    class Meta:
        db_table = "eventstore_event"
        ordering = ["position"]
        constraints = [
            # The optimistic-concurrency backstop and the stream read index.
            models.UniqueConstraint(
                fields=["stream_id", "version"], name="eventstore_event_stream_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stream_id} v{self.version} {self.type}"


class Snapshot(models.Model):
    stream_id = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    state = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        db_table = "eventstore_snapshot"
        constraints = [
            models.UniqueConstraint(
                fields=["stream_id", "version"], name="eventstore_snapshot_stream_version"
            ),
        ]

    def __str__(self) -> str:
        return f"snapshot {self.stream_id} @ {self.version}"


class ArchivedStream(models.Model):
    FORMAT = "jsonl+zlib/1"

    stream_id = models.CharField(max_length=200, primary_key=True)
    format = models.CharField(max_length=32, default=FORMAT)
    payload = models.BinaryField()
    event_count = models.PositiveIntegerField()
    raw_bytes = models.BigIntegerField()
    compressed_bytes = models.BigIntegerField()
    first_hash = models.CharField(max_length=64)
    last_hash = models.CharField(max_length=64)
    first_position = models.BigIntegerField()
    last_position = models.BigIntegerField()
    type_counts = models.JSONField(default=dict)
    archived_at = models.DateTimeField()

    class Meta:
        db_table = "eventstore_archived_stream"

    def __str__(self) -> str:
        return f"archive {self.stream_id} ({self.event_count} events)"
