"""structlog JSON logging to stdout, in the shape ops staff search on.

Every line is one JSON object with ``timestamp, level, correlation_id,
category, event, room_id, details``. Context bound with
``structlog.contextvars`` (the correlation id of the current request or
WebSocket message, the room) is merged into every line, including lines
written through the standard ``logging`` module by Django and libraries.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import structlog

TOP_LEVEL_KEYS = ("timestamp", "level", "correlation_id", "category", "event", "room_id")
CATEGORIES = ("game_event", "websocket", "performance", "security", "error", "app")


def _shape(_logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Fold everything that is not a top-level key into ``details``."""
    details = dict(event_dict.pop("details", None) or {})
    shaped: dict[str, Any] = {}
    for key in TOP_LEVEL_KEYS:
        if key in event_dict:
            shaped[key] = event_dict.pop(key)
    shaped.setdefault("correlation_id", None)
    shaped.setdefault("room_id", None)
    if "category" not in shaped:
        shaped["category"] = "error" if method in ("error", "exception", "critical") else "app"
    shaped["level"] = str(shaped.get("level", method)).upper()
    for noise in ("_record", "_from_structlog"):
        event_dict.pop(noise, None)
    exception = event_dict.pop("exception", None)
    details.update(event_dict)
    shaped["details"] = details
    if exception:
        shaped["exception"] = exception
    return shaped


def shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    ]


class CancelledCleanupFilter(logging.Filter):
    """channels_redis logs ERROR "Unexpected exception while cleaning-up
    channel" when a socket's receive is cancelled mid-unsubscribe, which is
    what every open socket does when the server stops: hundreds of ERROR
    lines per deploy that are not errors. Those (and only those: the cause
    must be a cancellation) are logged at INFO instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if (
            record.levelno >= logging.ERROR
            and isinstance(exc, asyncio.CancelledError)
            and str(record.msg).startswith("Unexpected exception while cleaning-up channel")
        ):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def build_logging_config(level: str) -> dict[str, Any]:
    """Configure structlog and return Django's LOGGING dict (both JSON to stdout)."""
    structlog.configure(
        processors=[
            *shared_processors(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    _shape,
                    structlog.processors.JSONRenderer(default=str),
                ],
                "foreign_pre_chain": shared_processors(),
            }
        },
        "filters": {"cancelled_cleanup": {"()": CancelledCleanupFilter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["cancelled_cleanup"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "daphne": {"level": "WARNING"},
            "asyncio": {"level": "WARNING"},
            "celery": {"level": "INFO"},
        },
    }


def get_logger(category: str) -> structlog.stdlib.BoundLogger:
    """A logger that stamps every line with one of the documented categories."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown log category {category!r}")
    return structlog.get_logger(f"liaptui.{category}").bind(category=category)


logging.captureWarnings(True)
