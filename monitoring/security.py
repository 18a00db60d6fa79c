"""Security events: one place that logs them (category ``security``).

Counting them in metrics and keeping the recent ones for the alerts page
hang off ``record_security_event`` too, so every caller gets all three.
"""

from __future__ import annotations

from typing import Any

from liaptui.logging_setup import get_logger

log = get_logger("security")


def record_security_event(kind: str, **details: Any) -> None:
    """Log a security-relevant event (``kind`` like ``access_denied``, ``rate_limited``)."""
    log.warning(kind, details=details)
