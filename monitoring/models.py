"""Monitoring's own tables: the emergency levers, the recovery log, the figures.

* ``LeverSettings``: one row (pk 1) that staff edit in the admin; every
  process reads it through ``monitoring.levers.current_levers()``.
* ``RecoveryAction``: one row per automatic action of the maintenance tasks
  (what, on what, outcome, error, how long, under which correlation id).
* ``ResourceSample``: a small time series of resource and game figures for
  the dashboards, pruned by the maintenance task.
"""

from __future__ import annotations

from django.db import models


class LeverSettings(models.Model):
    """The emergency levers (a singleton: always the row with pk 1)."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    maintenance_mode = models.BooleanField(
        default=False,
        help_text="No new rooms or games; games already running continue to the end.",
    )
    read_only = models.BooleanField(
        default=False,
        help_text="Refuse every write (moves, new players, rooms, HTTP POSTs outside the admin) "
        "with the error code read_only. For a data-corruption response.",
    )
    blocked_addresses = models.TextField(
        blank=True,
        default="",
        help_text="Client addresses refused for WebSockets (close 4403) and HTTP (403): one per "
        "line, an IP address or a network such as 203.0.113.0/24. Text after # is a comment.",
    )
    rate_limit_per_connection = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="WebSocket messages per second per connection. Empty: the "
        "WS_RATE_LIMIT_PER_CONNECTION setting.",
    )
    rate_limit_per_address = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="WebSocket messages per second per client address. Empty: the "
        "WS_RATE_LIMIT_PER_ADDRESS setting.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "emergency levers"
        verbose_name_plural = "emergency levers"

    def __str__(self) -> str:
        return "Emergency levers"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)


class RecoveryOutcome(models.TextChoices):
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class RecoveryAction(models.Model):
    """One thing the maintenance tasks did on their own (or failed to do)."""

    action = models.CharField(max_length=40, db_index=True)
    target = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(max_length=8, choices=RecoveryOutcome.choices, db_index=True)
    error = models.TextField(blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    correlation_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.target} {self.outcome}"


class ResourceSample(models.Model):
    """Resource and game figures at one moment (one row per sampling run)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    host = models.CharField(max_length=100, blank=True, default="")
    cpu_percent = models.FloatField()
    memory_percent = models.FloatField()
    disk_percent = models.FloatField()
    net_bytes_sent = models.BigIntegerField(default=0)
    net_bytes_recv = models.BigIntegerField(default=0)
    rooms_active = models.PositiveIntegerField(default=0)
    games_in_progress = models.PositiveIntegerField(default=0)
    connections_active = models.PositiveIntegerField(default=0)
    humans_seated = models.PositiveIntegerField(default=0)
    bots_seated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sample {self.created_at:%Y-%m-%d %H:%M:%S}"


class PerformanceSample(models.Model):
    """Latency, throughput and error figures of the rolling window at one moment.

    Written by the same sampling job as ``ResourceSample``; the rolling
    window itself keeps only 15 minutes, these rows keep the history the
    performance dashboard draws. Latencies in milliseconds (``None``: no
    traffic in the window).
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    host = models.CharField(max_length=100, blank=True, default="")
    ws_count = models.PositiveIntegerField(default=0)
    ws_p50_ms = models.FloatField(null=True, blank=True)
    ws_p95_ms = models.FloatField(null=True, blank=True)
    ws_p99_ms = models.FloatField(null=True, blank=True)
    cmd_count = models.PositiveIntegerField(default=0)
    cmd_p50_ms = models.FloatField(null=True, blank=True)
    cmd_p95_ms = models.FloatField(null=True, blank=True)
    cmd_p99_ms = models.FloatField(null=True, blank=True)
    messages_in_per_second = models.FloatField(default=0.0)
    messages_out_per_second = models.FloatField(default=0.0)
    operations = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    error_rate_percent = models.FloatField(default=0.0)
    events_appended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"performance {self.created_at:%Y-%m-%d %H:%M:%S}"
