"""The WebSocket protocol's client messages: parse and validate, nothing else.

Every client frame becomes either a ``ClientMessage`` (its type, the
client's ``id`` to echo as ``ref``, and a room command when it is one) or a
``ProtocolError`` with a stable code. Documented in docs/protocol.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from games.engine import POINTS
from games.room_rules import (
    AddBot,
    ChangeSettings,
    DeclareValue,
    Kick,
    LeaveSeat,
    PlayPieces,
    RedealChoice,
    RemoveBot,
    StartGame,
    TakeSeat,
)

MAX_REF_LENGTH = 64
MAX_PIECES = 8


class ProtocolError(Exception):
    """A frame that is not a valid message; the socket stays open."""

    def __init__(self, code: str, message: str, ref: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


@dataclass(frozen=True)
class ClientMessage:
    type: str
    ref: str | int | None
    command: Any = None
    payload: dict[str, Any] | None = None


def _int_field(msg: dict[str, Any], name: str, ref: Any, low: int, high: int) -> int:
    if name not in msg:
        raise ProtocolError("missing_field", f"'{name}' is required.", ref)
    value = msg[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("bad_field", f"'{name}' must be a whole number.", ref)
    if not low <= value <= high:
        raise ProtocolError("bad_field", f"'{name}' must be between {low} and {high}.", ref)
    return value


def _seat(msg: dict[str, Any], ref: Any) -> int:
    return _int_field(msg, "seat", ref, 0, 3)


def _accept(msg: dict[str, Any], ref: Any) -> bool:
    if "accept" not in msg:
        raise ProtocolError("missing_field", "'accept' is required (true or false).", ref)
    if not isinstance(msg["accept"], bool):
        raise ProtocolError("bad_field", "'accept' must be true or false.", ref)
    return msg["accept"]


def _pieces(msg: dict[str, Any], ref: Any) -> tuple[str, ...]:
    if "pieces" not in msg:
        raise ProtocolError("missing_field", "'pieces' is required (a list of piece kinds).", ref)
    pieces = msg["pieces"]
    if not isinstance(pieces, list) or not all(isinstance(p, str) for p in pieces):
        raise ProtocolError(
            "bad_field", "'pieces' must be a list of piece kinds like \"CHARIOT_RED\".", ref
        )
    if len(pieces) > MAX_PIECES:
        raise ProtocolError("bad_field", f"At most {MAX_PIECES} pieces.", ref)
    unknown = [p for p in pieces if p not in POINTS]
    if unknown:
        raise ProtocolError("unknown_piece", f"Unknown piece kind {unknown[0][:30]!r}.", ref)
    return tuple(pieces)


def _strategy(msg: dict[str, Any], ref: Any) -> str:
    strategy = msg.get("strategy", "strategic")
    if not isinstance(strategy, str):
        raise ProtocolError("bad_field", "'strategy' must be text.", ref)
    return strategy


def _settings(msg: dict[str, Any], ref: Any) -> dict[str, Any]:
    settings = msg.get("settings")
    if not isinstance(settings, dict):
        raise ProtocolError("bad_field", "'settings' must be an object.", ref)
    return settings


COMMANDS = {
    "take_seat": lambda m, r: TakeSeat(seat=_seat(m, r)),
    "leave": lambda m, r: LeaveSeat(),
    "add_bot": lambda m, r: AddBot(seat=_seat(m, r), strategy=_strategy(m, r)),
    "remove_bot": lambda m, r: RemoveBot(seat=_seat(m, r)),
    "kick": lambda m, r: Kick(seat=_seat(m, r)),
    "start": lambda m, r: StartGame(),
    "settings": lambda m, r: ChangeSettings(settings=_settings(m, r)),
    "redeal": lambda m, r: RedealChoice(accept=_accept(m, r)),
    "declare": lambda m, r: DeclareValue(value=_int_field(m, "value", r, 0, 8)),
    "play": lambda m, r: PlayPieces(pieces=_pieces(m, r)),
}
CONTROL_TYPES = ("sync", "ping")


def peek_ref(text: str | None, max_bytes: int = 8192) -> str | int | None:
    """The client's ``id`` of a frame we will not process (e.g. rate-limited), if readable."""
    if not text or len(text) > max_bytes:
        return None
    try:
        ref = json.loads(text).get("id")
    except (ValueError, AttributeError, RecursionError):
        return None
    if isinstance(ref, str) and len(ref) <= MAX_REF_LENGTH:
        return ref
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    return None


def parse_client_frame(text: str | None, raw_bytes: bytes | None, max_bytes: int) -> ClientMessage:
    """Turn one frame into a message, or raise ProtocolError."""
    if text is None:
        raise ProtocolError("bad_message", "Send JSON text frames, not binary.")
    if len(text.encode("utf-8")) > max_bytes:
        raise ProtocolError("message_too_large", f"Messages may be at most {max_bytes} bytes.")
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", "The message is not valid JSON.") from None
    if not isinstance(msg, dict):
        raise ProtocolError("bad_message", "A message must be a JSON object with a 'type'.")
    ref = msg.get("id")
    if ref is not None and not (
        (isinstance(ref, str) and len(ref) <= MAX_REF_LENGTH)
        or (isinstance(ref, int) and not isinstance(ref, bool))
    ):
        raise ProtocolError(
            "bad_field",
            f"'id' must be a string of at most {MAX_REF_LENGTH} characters or a number.",
        )
    msg_type = msg.get("type")
    if not isinstance(msg_type, str):
        raise ProtocolError("bad_message", "A message must have a string 'type'.", ref)
    if msg_type in CONTROL_TYPES:
        return ClientMessage(type=msg_type, ref=ref, payload=msg)
    build = COMMANDS.get(msg_type)
    if build is None:
        raise ProtocolError("unknown_type", f"Unknown message type {msg_type[:40]!r}.", ref)
    return ClientMessage(type=msg_type, ref=ref, command=build(msg, ref))
