"""Real HTTP + WebSocket clients for Liap Tui, shared by bench/ws_load.py and tests/live.

Everything here talks to a running server over the network exactly like a
browser would: ``POST /api/players`` for the session cookie, then
``/ws/rooms/<code>/`` with that cookie and an ``Origin`` header. Bot logic
runs client-side on the client's *own* view (``games.engine.bots``, pure
Python, no Django), so a client can only ever act on what it was sent.

Only local targets (127.0.0.1 / localhost / ::1) are accepted.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from games.engine.bots import choose_command  # noqa: E402  (pure engine, no Django)
from games.engine.commands import Declare, Play, RedealDecision  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class RefusedTarget(ValueError):
    """The URL does not point at this machine."""


def check_local(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        raise RefusedTarget(
            f"refusing non-local target {url!r}: only 127.0.0.1/localhost are allowed"
        )
    return parts


# --- HTTP ---------------------------------------------------------------------


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: Any


def http_request(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    session: str | None = None,
    token: str | None = None,
    timeout: float = 10,
) -> HttpReply:
    parts = check_local(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    headers = {"Host": parts.netloc}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if session:
        headers["Cookie"] = f"sessionid={session}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders() if k.lower() != "set-cookie"}
        cookies = [v for k, v in resp.getheaders() if k.lower() == "set-cookie"]
        hdrs["set-cookie"] = "\n".join(cookies)
    finally:
        conn.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return HttpReply(resp.status, hdrs, parsed)


def create_player(base_url: str, name: str) -> str:
    """POST /api/players; return the ``sessionid`` cookie value."""
    reply = http_request(base_url, "POST", "/api/players", {"name": name})
    if reply.status != 201:
        raise RuntimeError(f"POST /api/players -> {reply.status} {reply.body}")
    for line in reply.headers.get("set-cookie", "").split("\n"):
        if line.startswith("sessionid="):
            return line.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError("POST /api/players set no sessionid cookie")


def create_room(
    base_url: str,
    session: str,
    *,
    name: str = "Live table",
    is_public: bool = False,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    reply = http_request(
        base_url,
        "POST",
        "/api/rooms",
        {"name": name, "is_public": is_public, "settings": settings or {}},
        session=session,
    )
    if reply.status != 201:
        raise RuntimeError(f"POST /api/rooms -> {reply.status} {reply.body}")
    return reply.body


def wait_healthy(base_url: str, timeout: float = 30.0, proc: Any = None) -> None:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before becoming healthy")
        try:
            reply = http_request(base_url, "GET", "/api/health", timeout=2)
            if reply.status == 200:
                return
            last = reply.status
        except OSError as exc:
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{base_url}/api/health not healthy after {timeout}s (last: {last})")


# --- bot logic on the client's own view ----------------------------------------


def bot_message(
    view: dict[str, Any], seed: str = "", strategy: str = "strategic"
) -> dict[str, Any] | None:
    """The client message the bot would send for this view, or None when not awaited."""
    seat = view.get("seat")
    if seat is None or seat not in view.get("awaiting", ()):
        return None
    cmd = choose_command(view, strategy, seed)
    if isinstance(cmd, Declare):
        return {"type": "declare", "value": cmd.value}
    if isinstance(cmd, Play):
        return {"type": "play", "pieces": list(cmd.pieces)}
    if isinstance(cmd, RedealDecision):
        return {"type": "redeal", "accept": cmd.accept}
    raise ValueError(f"unexpected bot command {cmd!r}")


# --- WebSocket client ----------------------------------------------------------

_ids = itertools.count(1)


@dataclass
class Client:
    """One browser tab: a session, a room socket, everything it received."""

    base_url: str
    name: str
    session: str | None = None
    keep_frames: bool = True
    frames: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    state_times: list[tuple[int, float]] = field(default_factory=list)  # (version, monotonic time)
    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, Any] | None = None
    closed: bool = False
    close_reason: str | None = None

    def __post_init__(self) -> None:
        self.ws: Any = None
        self._reader: asyncio.Task | None = None
        self._cond = asyncio.Condition()
        self._pending: dict[str, asyncio.Future] = {}
        self.changed = (
            asyncio.Event()
        )  # set on every frame (and on close); cheap waits for many clients

    # connection --------------------------------------------------------------
    def ensure_player(self) -> str:
        if self.session is None:
            self.session = create_player(self.base_url, self.name)
        return self.session

    async def connect(self, code: str, *, timeout: float = 10, origin: str | None = None) -> None:
        parts = check_local(self.base_url)
        url = f"ws://{parts.netloc}/ws/rooms/{code}/"
        headers = {"Cookie": f"sessionid={self.session}"} if self.session else {}
        self.ws = await websockets.connect(
            url,
            origin=origin or f"http://{parts.netloc}",
            additional_headers=headers,
            open_timeout=timeout,
            max_size=2**22,
            ping_interval=None,
            close_timeout=2,
        )
        self.closed = False
        self._reader = asyncio.ensure_future(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 3)
            except Exception:  # noqa: BLE001 - best effort at teardown
                pass
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except BaseException:  # noqa: BLE001
                pass
            self._reader = None

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.monotonic()
                msg = json.loads(raw)
                self._dispatch(msg, now)
                self.changed.set()
                async with self._cond:
                    self._cond.notify_all()
        except websockets.ConnectionClosed as exc:
            self.close_reason = f"closed: {exc}"
        except Exception as exc:  # noqa: BLE001 - surfaced through close_reason
            self.close_reason = f"reader failed: {exc!r}"
        finally:
            self.closed = True
            self.changed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError(self.close_reason or "closed"))
            async with self._cond:
                self._cond.notify_all()

    def _dispatch(self, msg: dict[str, Any], now: float) -> None:
        if self.keep_frames:
            self.frames.append((now, msg))
        kind = msg.get("type")
        if kind == "state":
            self.state = msg
            self.state_times.append((msg["version"], now))
            if self.keep_frames:
                self.states.append(msg)
        elif kind == "event":
            self.events.append(msg)
        elif kind == "error":
            self.errors.append(msg)
        elif kind == "ack":
            self.acks.append(msg)
        ref = msg.get("ref")
        if kind in ("ack", "error", "pong") and ref is not None:
            fut = self._pending.pop(str(ref), None)
            if fut is not None and not fut.done():
                fut.set_result(msg)

    # sending -------------------------------------------------------------------
    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def send(self, payload: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(payload))

    async def request(self, payload: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        """Send with a fresh ``id`` and return the ``ack``/``error``/``pong`` that refers to it."""
        ref = f"{self.name}-{next(_ids)}"
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[ref] = fut
        await self.send({**payload, "id": ref})
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._pending.pop(ref, None)

    async def wait_for(
        self, predicate, timeout: float = 10, what: str = "condition", poll: float = 0.05
    ) -> None:
        """Wait until ``predicate()`` holds; woken by this socket's frames, and polled every
        ``poll`` s so predicates over several clients work too."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if self.closed:
                raise ConnectionError(
                    f"{self.name}: socket closed while waiting for {what} ({self.close_reason})"
                )
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: timed out after {timeout}s waiting for {what}")
            async with self._cond:
                try:
                    await asyncio.wait_for(self._cond.wait(), min(poll, remaining))
                except TimeoutError:
                    pass

    async def wait_version(self, version: int, timeout: float = 10) -> None:
        await self.wait_for(lambda: self.version >= version, timeout, f"version {version}")

    async def sync(self, timeout: float = 10) -> dict[str, Any]:
        """Ask for a fresh ``state`` and return it."""
        before = len(self.state_times)
        await self.send({"type": "sync", "id": f"{self.name}-sync-{next(_ids)}"})
        await self.wait_for(lambda: len(self.state_times) > before, timeout, "sync state")
        return self.state  # type: ignore[return-value]

    # views -----------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self.state["version"] if self.state else -1

    @property
    def game(self) -> dict[str, Any]:
        return self.state["game"] if self.state else {}

    @property
    def seat(self) -> int | None:
        return self.state["you"]["seat"] if self.state else None

    @property
    def phase(self) -> str | None:
        return self.game.get("phase")

    def my_turn(self) -> bool:
        g = self.game
        return bool(g) and g.get("seat") is not None and g["seat"] in g.get("awaiting", ())

    def game_over(self) -> bool:
        return self.phase == "GAME_OVER"

    # playing ---------------------------------------------------------------------
    async def play_to_game_over(
        self, *, timeout: float = 60, pace: float = 0.0, on_action=None
    ) -> None:
        """Act with bot logic on this client's own view whenever awaited, until GAME_OVER."""
        deadline = time.monotonic() + timeout
        acted_at = -1
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"{self.name}: game not over after {timeout}s "
                    f"(version {self.version}, phase {self.phase})"
                )
            await self.wait_for(
                lambda acted=acted_at: (
                    self.game_over() or (self.my_turn() and self.version > acted)
                ),
                remaining,
                "my turn or game over",
            )
            if self.game_over():
                return
            if pace:
                await asyncio.sleep(pace)
                if not self.my_turn() or self.game_over():
                    continue
            version = self.version
            msg = bot_message(self.game, seed=f"{self.name}:{version}")
            if msg is None:
                continue
            acted_at = version
            sent = time.monotonic()
            reply = await self.request(msg, timeout=max(1.0, deadline - time.monotonic()))
            if on_action is not None:
                on_action(self, msg, reply, sent)
