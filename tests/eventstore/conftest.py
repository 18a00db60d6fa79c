"""Helpers for the event store tests."""

from __future__ import annotations

import pytest

from eventstore import hooks
from eventstore.types import NewEvent


def ev(n: int, type_: str = "Counted", **extra) -> NewEvent:
    return NewEvent(type_, {"n": n, **extra}, {"correlation_id": f"c-{n}", "actor": "test"})


@pytest.fixture(autouse=True)
def _clean_hooks():
    """Hooks are process-global (games registers its own in ready()): each
    test starts with none and leaves them as found."""
    before = (list(hooks._replay_checks), list(hooks._snapshot_builders))
    hooks._replay_checks.clear()
    hooks._snapshot_builders.clear()
    yield
    hooks._replay_checks[:] = before[0]
    hooks._snapshot_builders[:] = before[1]
