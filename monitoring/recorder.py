"""The recording API: the game, the event store and the middleware call these.

Every function updates this process's Prometheus metrics and the shared
rolling window (``monitoring.window``) that the JSON endpoints read. They
are safe to call from threads and from the event loop, never raise, and
cost about a microsecond or two (dict increments under a lock; the shared
storage is written by a background thread at most once a second).

Window field names (kept short; also read by ``monitoring.stats``):
``ws_in``, ``ws_out``, ``ws_open``, ``ws_close``, ``req``, ``req_err``,
``err:<category>``, ``rl:<scope>``, ``sec:<kind>``, ``ev``,
``rec:<action>:<outcome>``, and latency histograms ``rt:`` (WebSocket round
trip) and ``cmd:`` (commands): ``<p>:n`` count, ``<p>:us`` sum in
microseconds, ``<p>:b<i>`` count above ``WINDOW_LATENCY_EDGES[i-1]`` and at
or below ``WINDOW_LATENCY_EDGES[i]`` (``<p>:b<len>`` is the overflow bucket).
"""

from __future__ import annotations

import bisect
import threading

from monitoring import metrics
from monitoring.metrics import WINDOW_LATENCY_EDGES, label
from monitoring.window import window


def _latency_fields(prefix: str, seconds: float) -> dict[str, int]:
    seconds = max(0.0, float(seconds))
    index = bisect.bisect_left(WINDOW_LATENCY_EDGES, seconds)  # bucket with upper bound >= value
    return {f"{prefix}:n": 1, f"{prefix}:us": int(seconds * 1_000_000), f"{prefix}:b{index}": 1}


_open_lock = threading.Lock()
_open_sockets = 0


def process_connections() -> int:
    """WebSocket connections open on this process."""
    return _open_sockets


def _open_sockets_changed(delta: int) -> None:
    global _open_sockets
    with _open_lock:
        _open_sockets = max(0, _open_sockets + delta)
        current = _open_sockets
    metrics.WS_PROCESS_CONNECTIONS.set(current)
    window.set_gauge("ws_conns", current)


def ws_connected() -> None:
    metrics.WS_CONNECTIONS_OPENED.inc()
    _open_sockets_changed(+1)
    window.add("ws_open")


def ws_disconnected() -> None:
    metrics.WS_CONNECTIONS_CLOSED.inc()
    _open_sockets_changed(-1)
    window.add("ws_close")


_ws_children: dict[tuple[str, str], object] = {}


def ws_message(direction: str, msg_type: str) -> None:
    """One WebSocket message, ``direction`` "in" (from a client) or "out"."""
    direction = "in" if direction == "in" else "out"
    key = (direction, msg_type)
    child = _ws_children.get(key)
    if child is None:
        child = metrics.WS_MESSAGES.labels(direction=direction, type=label("ws_type", msg_type))
        if len(_ws_children) < 1024:
            _ws_children[key] = child
    child.inc()  # type: ignore[attr-defined]
    window.add("ws_in" if direction == "in" else "ws_out")


def ws_roundtrip(seconds: float) -> None:
    """Time from receiving a client message to sending its reply or new state."""
    metrics.WS_ROUNDTRIP.observe(max(0.0, seconds))
    window.add_many(_latency_fields("rt", seconds))


def command_timed(command: str, seconds: float, ok: bool) -> None:
    """Time to decide and store one game command (``ok`` False: rejected)."""
    metrics.COMMAND_LATENCY.labels(
        command=label("command", command), outcome="ok" if ok else "rejected"
    ).observe(max(0.0, seconds))
    fields = _latency_fields("cmd", seconds)
    if not ok:
        fields["cmd:rejected"] = 1
    window.add_many(fields)


def error(category: str) -> None:
    """One error of ``category`` (protocol, rule, internal, http, ...)."""
    category = label("error_category", category)
    metrics.ERRORS.labels(category=category).inc()
    window.add(f"err:{category}")


def rate_limited(scope: str) -> None:
    """A message refused by a rate limit (``scope`` connection or address)."""
    scope = label("rate_scope", scope)
    metrics.RATE_LIMIT_HITS.labels(scope=scope).inc()
    window.add(f"rl:{scope}")


def events_appended(n: int, stream_kind: str = "room") -> None:
    if n <= 0:
        return
    metrics.EVENTS_APPENDED.labels(stream_kind=label("stream_kind", stream_kind)).inc(n)
    window.add("ev", int(n))


def recovery_action(action: str, outcome: str) -> None:
    """One action of the recovery system (e.g. ``finish_overdue_turn``, ``ok``)."""
    action, outcome = label("recovery_action", action), label("recovery_outcome", outcome)
    metrics.RECOVERY_ACTIONS.labels(action=action, outcome=outcome).inc()
    window.add(f"rec:{action}:{outcome}")


def request_done(ok: bool) -> None:
    """One finished HTTP request (``ok`` False for a 5xx answer)."""
    metrics.HTTP_REQUESTS.labels(outcome="ok" if ok else "error").inc()
    window.add_many({"req": 1, "req_err": 0 if ok else 1})


def security_event(kind: str) -> None:
    """Counted by ``monitoring.security.record_security_event`` (call that instead)."""
    kind = label("security_kind", kind)
    metrics.SECURITY_EVENTS.labels(kind=kind).inc()
    window.add(f"sec:{kind}")
