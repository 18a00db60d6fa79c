"""Canonical JSON for states, commands and events (sorted keys, no floats).

Commands arriving from clients go through :func:`command_from_dict`, which
checks every field's type and raises RuleViolation('bad_command') otherwise.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from typing import Any

from .commands import COMMAND_TYPES, DEFAULT_PLAYERS, Command
from .errors import RuleViolation
from .events import Event
from .state import DealRecord, GameState


def canonical_json(obj: Any) -> str:
    """Sorted keys, compact separators, UTF-8 kept as-is; floats are refused."""
    _no_floats(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _no_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in canonical JSON")
    if isinstance(obj, dict):
        for v in obj.values():
            _no_floats(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _no_floats(v)


# ---- state -------------------------------------------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if type(value) is DealRecord and value.shuffle == 1:
            # A version 1 deal is written as before shuffle versions existed
            # (no "shuffle"; loading defaults it to 1), so stored snapshots of
            # old games stay equal to their replay (games.integrity).
            del out["shuffle"]
        return out
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    h = _HINTS.get(cls)
    if h is None:
        import games.engine.state as state_module

        h = typing.get_type_hints(cls, vars(state_module))
        _HINTS[cls] = h
    return h


def _decode(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(args[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{k: _decode(hints[k], v) for k, v in value.items()})
    return value


def state_to_dict(state: GameState) -> dict[str, Any]:
    """The state as plain JSON-safe data."""
    return _encode(state)


def state_from_dict(d: dict[str, Any]) -> GameState:
    """Inverse of state_to_dict."""
    return _decode(GameState, d)


def state_to_json(state: GameState) -> str:
    """Canonical JSON of the whole (server-side) state."""
    return canonical_json(state_to_dict(state))


def state_from_json(s: str) -> GameState:
    """Inverse of state_to_json."""
    return state_from_dict(json.loads(s))


# ---- events ------------------------------------------------------------------

def event_to_dict(ev: Event) -> dict[str, Any]:
    """{"type": ..., "data": {...}} with canonical (JSON round-tripped) data."""
    return {"type": ev.type, "data": json.loads(canonical_json(ev.data))}


def event_from_dict(d: dict[str, Any]) -> Event:
    """Inverse of event_to_dict."""
    if not isinstance(d, dict) or not isinstance(d.get("type"), str) or not isinstance(
            d.get("data"), dict):
        raise RuleViolation("bad_event", "An event needs a string 'type' and an object 'data'.")
    return Event(d["type"], json.loads(canonical_json(d["data"])))


def event_to_json(ev: Event) -> str:
    return canonical_json(event_to_dict(ev))


def event_from_json(s: str) -> Event:
    return event_from_dict(json.loads(s))


# ---- commands ----------------------------------------------------------------

def command_to_dict(cmd: Command) -> dict[str, Any]:
    """{"type": ..., fields...}; tuples become lists."""
    out: dict[str, Any] = {"type": cmd.type}
    for f in dataclasses.fields(cmd):
        v = getattr(cmd, f.name)
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def _bad(msg: str) -> RuleViolation:
    return RuleViolation("bad_command", msg)


def _check_field(ctype: str, name: str, tp: Any, value: Any) -> Any:
    if tp is int or tp == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"{ctype}: field '{name}' must be an integer.")
        return value
    if tp is bool or tp == "bool":
        if not isinstance(value, bool):
            raise _bad(f"{ctype}: field '{name}' must be true or false.")
        return value
    if tp is str or tp == "str":
        if not isinstance(value, str):
            raise _bad(f"{ctype}: field '{name}' must be a string.")
        return value
    # tuple[str, ...]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{ctype}: field '{name}' must be a list of strings.")
    return tuple(value)


def command_from_dict(d: Any) -> Command:
    """Build a command from client JSON; RuleViolation('bad_command') on any problem.

    Unknown extra keys are refused too, so typos fail loudly.
    """
    if not isinstance(d, dict):
        raise _bad("A command must be a JSON object.")
    ctype = d.get("type")
    cls = COMMAND_TYPES.get(ctype) if isinstance(ctype, str) else None
    if cls is None:
        raise _bad(f"Unknown command type {ctype!r}; expected one of "
                   f"{', '.join(sorted(COMMAND_TYPES))}.")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    extra = set(d) - set(fields) - {"type"}
    if extra:
        raise _bad(f"{ctype}: unknown field(s) {', '.join(sorted(extra))}.")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name not in d:
            if f.default is dataclasses.MISSING:
                raise _bad(f"{ctype}: missing field '{name}'.")
            continue
        kwargs[name] = _check_field(ctype, name, hints[name], d[name])
    if cls.__name__ == "StartGame" and "players" in kwargs and len(kwargs["players"]) != len(
            DEFAULT_PLAYERS):
        raise _bad("start_game: 'players' must list exactly 4 names.")
    return cls(**kwargs)


def command_to_json(cmd: Command) -> str:
    return canonical_json(command_to_dict(cmd))


def command_from_json(s: str) -> Command:
    try:
        d = json.loads(s)
    except ValueError as exc:
        raise _bad(f"Command is not valid JSON: {exc}.") from None
    return command_from_dict(d)
