"""Security events: one place that logs, counts and remembers them.

``record_security_event(kind, **details)`` writes a ``security`` log line,
increments ``security_events_total{kind}`` and the shared rolling window,
and keeps the event in a short shared list (newest first) that the ops
endpoints show (``recent_security_events()``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from liaptui.correlation import current_correlation_id
from liaptui.logging_setup import get_logger

log = get_logger("security")

RECENT_NAME = "security"


def record_security_event(kind: str, **details: Any) -> None:
    """Log a security-relevant event (``kind`` like ``access_denied``, ``rate_limited``)."""
    log.warning(kind, details=details)
    try:
        from monitoring import recorder
        from monitoring.window import window

        recorder.security_event(kind)
        window.push_recent(
            RECENT_NAME,
            {
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "kind": kind,
                "correlation_id": current_correlation_id(),
                "details": {k: _short(v) for k, v in details.items()},
            },
        )
    except Exception:  # noqa: BLE001 - counting must never break the caller
        log.exception("security_event_not_counted", details={"kind": kind})


def recent_security_events(limit: int = 50) -> list[dict[str, Any]]:
    """The newest security events from every server process, newest first."""
    from monitoring.window import RECENT_LIMIT, window

    # Processes flush in batches, so storage order is not event order.
    events = window.recent(RECENT_NAME, RECENT_LIMIT)
    events.sort(key=lambda event: event.get("timestamp", ""), reverse=True)
    return events[:limit]


def _short(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
