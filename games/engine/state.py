"""The immutable game state (a fold of the events) and its derived queries.

Everything is a tuple or a frozen dataclass so a state can be compared,
shared and serialised canonically. The state is server-side and holds every
hand and every seed; :func:`games.engine.views.view` decides what a seat sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SEATS = 4
DEFAULT_TARGET_SCORE = 50


class Phase(StrEnum):
    """Game phases (rules §2)."""

    WAITING = "WAITING"
    PREPARATION = "PREPARATION"
    DECLARATION = "DECLARATION"
    TURN = "TURN"
    SCORING = "SCORING"
    GAME_OVER = "GAME_OVER"


# The phases as module constants: ``Phase.TURN`` reads a class attribute
# through the Enum metaclass, which CPython 3.11 does not specialise (~45 ns
# a read, and these checks run several times per command).
_WAITING = Phase.WAITING
_PREPARATION = Phase.PREPARATION
_DECLARATION = Phase.DECLARATION
_TURN = Phase.TURN
_SCORING = Phase.SCORING
_GAME_OVER = Phase.GAME_OVER


@dataclass(frozen=True)
class TurnPlay:
    """One seat's pieces in a turn, with the type/value they form."""

    seat: int
    pieces: tuple[str, ...]
    play_type: str
    value: int


@dataclass(frozen=True)
class TurnResult:
    """A completed turn: who won it and how many piles."""

    turn: int
    winner: int
    piles: int
    plays: tuple[TurnPlay, ...]


@dataclass(frozen=True)
class DealRecord:
    """One deal of the current round (seed kept server-side until revealed)."""

    deal: int
    seed: str
    commitment: str
    # the shuffle version the seed was dealt with (games.engine.dealing); a
    # default, so deals stored before versions existed (all version 1) load
    shuffle: int = 1


@dataclass(frozen=True)
class SeatScore:
    """One seat's line in a round's scoring table."""

    seat: int
    declared: int
    captured: int
    base: int
    multiplier: int
    score: int
    total: int


@dataclass(frozen=True)
class RoundResult:
    """A scored round with its revealed deals."""

    round: int
    multiplier: int
    seats: tuple[SeatScore, ...]
    deals: tuple[DealRecord, ...]


_NONE4: tuple[None, None, None, None] = (None, None, None, None)
_ZERO4 = (0, 0, 0, 0)
_EMPTY_HANDS: tuple[tuple[str, ...], ...] = ((), (), (), ())


@dataclass(frozen=True)
class GameState:
    """The whole game at one point in its event stream."""

    # A factory rather than ``= Phase.WAITING``: a class attribute holding an
    # Enum member (an instance of a mutable class) stops CPython 3.11 from
    # specialising ``state.phase`` reads, the commonest attribute read here.
    phase: Phase = field(default_factory=lambda: Phase.WAITING)
    players: tuple[str, ...] = ()
    target_score: int = DEFAULT_TARGET_SCORE
    round_number: int = 0
    multiplier: int = 1
    # deals of the current round, oldest first; the last one is in play
    deals: tuple[DealRecord, ...] = ()
    hands: tuple[tuple[str, ...], ...] = _EMPTY_HANDS
    prospective_starter: int | None = None
    round_starter: int | None = None
    redeal_open: bool = False
    weak_seats: tuple[int, ...] = ()
    redeal_decisions: tuple[bool | None, ...] = _NONE4
    declarations: tuple[int | None, ...] = _NONE4
    zero_streaks: tuple[int, ...] = _ZERO4
    totals: tuple[int, ...] = _ZERO4
    captured: tuple[int, ...] = _ZERO4
    turn_number: int = 0
    leader: int | None = None
    turn_plays: tuple[TurnPlay, ...] = ()
    required_count: int | None = None
    last_turn: TurnResult | None = None
    # every piece played this round, in play order (public information)
    played_this_round: tuple[str, ...] = ()
    last_round: RoundResult | None = None
    perfect_rounds: tuple[int, ...] = _ZERO4
    turns_won: tuple[int, ...] = _ZERO4
    piles_captured: tuple[int, ...] = _ZERO4
    ranking: tuple[int, ...] = ()
    winners: tuple[int, ...] = ()

    @classmethod
    def initial(cls) -> GameState:
        """The empty room: WAITING, no game yet."""
        return cls()


_new = object.__new__
# Every state after the first is a copy of its predecessor's field dict set
# as the new instance's ``__dict__`` through the class's own descriptor (past
# the frozen ``__setattr__``). ``dict(d)`` rather than ``d.copy()``: for an
# ordinary ("combined") dict both are a C-level clone (~0.1 µs, vs ~0.5 µs to
# fill a fresh instance), but ``copy`` keeps a split-keys dict split, and
# CPython 3.11 only specialises attribute reads on combined dicts; ``dict``
# turns the first state of a chain (built by __init__) into a combined one.
_set_state_dict = GameState.__dict__["__dict__"].__set__


def replace(state: GameState, **changes: object) -> GameState:
    """A faster ``dataclasses.replace`` (no __init__/validation); evolve calls it a lot."""
    d = dict(state.__dict__)
    d.update(changes)
    new = _new(GameState)
    _set_state_dict(new, d)
    return new


def copy_state(state: GameState) -> tuple[GameState, dict[str, object]]:
    """A shallow copy of ``state`` and its field dict, for evolve to set fields in place.

    The copy is not shared yet, so writing into the returned dict is the
    cheapest way to build the next (still immutable-by-convention) state.
    """
    d = dict(state.__dict__)
    new = _new(GameState)
    _set_state_dict(new, d)
    return new, d


def make_frozen(cls: type, fields: dict[str, Any]) -> Any:
    """An instance of the frozen dataclass ``cls`` whose field dict is ``fields``
    (the complete fields, in declaration order), without __init__: equal, same
    repr and hash as ``cls(**fields)``. A dict literal is a combined dict, so
    attribute reads on the result are specialised (see ``copy_state``)."""
    obj = _new(cls)
    cls.__dict__["__dict__"].__set__(obj, fields)
    return obj


_set_turn_play_dict = TurnPlay.__dict__["__dict__"].__set__
_set_turn_result_dict = TurnResult.__dict__["__dict__"].__set__


def make_turn_play(seat: int, pieces: tuple[str, ...], play_type: str, value: int) -> TurnPlay:
    """``TurnPlay(seat, pieces, play_type, value)`` without the frozen-dataclass __init__ cost."""
    tp = _new(TurnPlay)
    _set_turn_play_dict(tp, {"seat": seat, "pieces": pieces, "play_type": play_type,
                             "value": value})
    return tp


def make_turn_result(turn: int, winner: int, piles: int,
                     plays: tuple[TurnPlay, ...]) -> TurnResult:
    """``TurnResult(turn, winner, piles, plays)``, built the same cheap way."""
    tr = _new(TurnResult)
    _set_turn_result_dict(tr, {"turn": turn, "winner": winner, "piles": piles, "plays": plays})
    return tr


def play_dict(tp: TurnPlay) -> dict[str, Any]:
    """A turn play as the JSON-safe dict events and views carry (fresh containers)."""
    return {"seat": tp.seat, "pieces": list(tp.pieces), "play_type": tp.play_type,
            "value": tp.value}


_ORDERS: dict[int, tuple[int, ...]] = {
    s: tuple((s + i) % SEATS for i in range(SEATS)) for s in range(SEATS)}


def play_order(start: int) -> tuple[int, ...]:
    """Seats rotated so ``start`` is first, then ascending with wrap-around."""
    order = _ORDERS.get(start)
    if order is None or start.__class__ is not int:
        return tuple((start + i) % SEATS for i in range(SEATS))
    return order


def current_declarer(state: GameState) -> int | None:
    """The seat that must declare next, or None outside DECLARATION."""
    if state.phase is not _DECLARATION or state.round_starter is None:
        return None
    declarations = state.declarations
    for s in play_order(state.round_starter):
        if declarations[s] is None:
            return s
    return None


def declared_in_order(state: GameState) -> list[int]:
    """Declarations made so far this round, in declaration order."""
    if state.round_starter is None:
        return []
    declarations = state.declarations
    out = []
    for s in play_order(state.round_starter):
        v = declarations[s]
        if v is None:
            break
        out.append(v)
    return out


def current_player(state: GameState) -> int | None:
    """The seat that must play next in the current turn, or None outside TURN."""
    if state.phase is not _TURN or state.leader is None:
        return None
    return (state.leader + len(state.turn_plays)) % SEATS


def awaiting(state: GameState) -> tuple[int, ...]:
    """Seats that may act right now (several only during a redeal offer)."""
    phase = state.phase
    if phase is _TURN:
        leader = state.leader
        return (None if leader is None else (leader + len(state.turn_plays)) % SEATS,)  # type: ignore[return-value]
    if phase is _DECLARATION:
        d = current_declarer(state)
        return () if d is None else (d,)
    if phase is _PREPARATION and state.redeal_open:
        return tuple(s for s in state.weak_seats if state.redeal_decisions[s] is None)
    return ()


def pending_system_action(state: GameState) -> str | None:
    """What the service must schedule: the redeal window timer or the next round."""
    if state.phase is _PREPARATION and state.redeal_open:
        return "close_redeal_window"
    if state.phase is _SCORING:
        return "start_next_round"
    return None
