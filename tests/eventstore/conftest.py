"""Helpers for the event store tests."""

from __future__ import annotations

import pytest

from eventstore import hooks
from eventstore.types import NewEvent


def ev(n: int, type_: str = "Counted", **extra) -> NewEvent:
    return NewEvent(type_, {"n": n, **extra}, {"correlation_id": f"c-{n}", "actor": "test"})


@pytest.fixture(autouse=True)
def _clean_hooks():
    """Hooks are process-global: leave them as found."""
    before = (list(hooks._replay_checks), list(hooks._snapshot_builders))
    yield
    hooks._replay_checks[:] = before[0]
    hooks._snapshot_builders[:] = before[1]
