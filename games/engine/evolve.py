"""Apply one event to a state (pure). Events carry every fact they need, so
evolve never re-derives rules — it only records what decide already decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .errors import RuleViolation
from .events import Event
from .pieces import sort_pieces
from .state import (
    _DECLARATION,
    _GAME_OVER,
    _PREPARATION,
    _SCORING,
    _TURN,
    DealRecord,
    GameState,
    Phase,
    RoundResult,
    SeatScore,
    TurnPlay,
    _set_state_dict,
    _set_turn_play_dict,
    copy_state,
    make_frozen,
    make_turn_result,
    replace,
)

_NONE4 = (None, None, None, None)
_ZERO4 = (0, 0, 0, 0)


def _set(t: tuple, i: int, v: object) -> tuple:
    lst = list(t)
    lst[i] = v
    return tuple(lst)


def _game_started(s: GameState, d: dict) -> GameState:
    return GameState(phase=_PREPARATION, players=tuple(d["players"]),
                     target_score=d["target_score"])


# Everything a new round resets (rules §2); copied into the state in one update.
_ROUND_RESET: dict[str, object] = {
    "phase": _PREPARATION, "multiplier": 1, "deals": (), "hands": ((), (), (), ()),
    "prospective_starter": None, "round_starter": None, "redeal_open": False,
    "weak_seats": (), "redeal_decisions": _NONE4, "declarations": _NONE4, "captured": _ZERO4,
    "turn_number": 0, "leader": None, "turn_plays": (), "required_count": None,
    "played_this_round": (),
}


def _round_started(s: GameState, d: dict) -> GameState:
    new, nd = copy_state(s)
    nd.update(_ROUND_RESET)
    nd["round_number"] = d["round"]
    return new


def _deal_record(x: dict) -> DealRecord:
    # events from before shuffle versions have no "shuffle": they are version 1
    return make_frozen(DealRecord, {"deal": x["deal"], "seed": x["seed"],
                                    "commitment": x["commitment"],
                                    "shuffle": x.get("shuffle", 1)})


def _hands_dealt(s: GameState, d: dict) -> GameState:
    return hands_dealt_sorted(s, d, tuple(sort_pieces(h) for h in d["hands"]))


def hands_dealt_sorted(s: GameState, d: dict, hands: tuple[tuple[str, ...], ...]) -> GameState:
    """``_hands_dealt`` given the event's hands already sorted strongest first:
    decide deals them sorted, so its own fold need not sort them again."""
    return replace(
        s, phase=_PREPARATION,
        deals=s.deals + (_deal_record(d),),
        hands=hands,
        prospective_starter=d["starter"], redeal_open=False, weak_seats=(),
        redeal_decisions=_NONE4,
    )


def _redeal_offered(s: GameState, d: dict) -> GameState:
    return replace(s, redeal_open=True, weak_seats=tuple(d["weak_seats"]),
                   redeal_decisions=_NONE4)


def _redeal_decided(s: GameState, d: dict) -> GameState:
    new, nd = copy_state(s)
    nd["redeal_decisions"] = _set(s.redeal_decisions, d["seat"], d["accept"])
    return new


def _redeal_won(s: GameState, d: dict) -> GameState:
    return replace(s, redeal_open=False, multiplier=d["multiplier"],
                   prospective_starter=d["seat"])


def _redeal_declined_all(s: GameState, d: dict) -> GameState:
    return replace(s, redeal_open=False)


def _deal_stands(s: GameState, d: dict) -> GameState:
    return replace(s, phase=_DECLARATION, redeal_open=False, round_starter=d["starter"],
                   prospective_starter=d["starter"])


def _declared(s: GameState, d: dict) -> GameState:
    new, nd = copy_state(s)
    nd["declarations"] = _set(s.declarations, d["seat"], d["value"])
    return new


def _phase_changed(s: GameState, d: dict) -> GameState:
    to = Phase(d["to"])
    if to is _TURN:
        return replace(s, phase=to, leader=d["leader"], turn_number=1, turn_plays=(),
                       required_count=None)
    return replace(s, phase=to)


_new = object.__new__


def _played(s: GameState, d: dict) -> GameState:
    # The commonest event (about 30 per round), so it is written out flat:
    # the state copy and the TurnPlay are built inline (see state.copy_state
    # and state.make_turn_play).
    seat = d["seat"]
    pieces = tuple(d["pieces"])
    hands = s.hands
    left = list(hands[seat])
    for p in pieces:
        left.remove(p)
    new_hands = list(hands)
    new_hands[seat] = tuple(left)
    tp = _new(TurnPlay)
    _set_turn_play_dict(tp, {"seat": seat, "pieces": pieces, "play_type": d["play_type"],
                             "value": d["value"]})
    nd = dict(s.__dict__)
    new = _new(GameState)
    _set_state_dict(new, nd)
    nd["hands"] = tuple(new_hands)
    nd["turn_plays"] = s.turn_plays + (tp,)
    if s.required_count is None:
        nd["required_count"] = len(pieces)
    nd["played_this_round"] = s.played_this_round + pieces
    return new


def _turn_won(s: GameState, d: dict) -> GameState:
    seat, piles = d["seat"], d["piles"]
    nd = dict(s.__dict__)  # copy_state, inlined (once a turn)
    new = _new(GameState)
    _set_state_dict(new, nd)
    captured = list(s.captured)
    captured[seat] += piles
    nd["captured"] = tuple(captured)
    won = list(s.turns_won)
    won[seat] += 1
    nd["turns_won"] = tuple(won)
    pc = list(s.piles_captured)
    pc[seat] += piles
    nd["piles_captured"] = tuple(pc)
    nd["last_turn"] = make_turn_result(d["turn"], seat, piles, s.turn_plays)
    nd["leader"] = seat
    nd["turn_plays"] = ()
    nd["required_count"] = None
    nd["turn_number"] = s.turn_number + 1
    return new


def _round_scored(s: GameState, d: dict) -> GameState:
    rows = d["seats"]
    seats = tuple(
        make_frozen(SeatScore, {
            "seat": x["seat"], "declared": x["declared"], "captured": x["captured"],
            "base": x["base"], "multiplier": x["multiplier"], "score": x["score"],
            "total": x["total"]})
        for x in rows
    )
    deals = tuple(map(_deal_record, d["deals"]))
    perfect = tuple(p + (1 if x["perfect"] else 0)
                    for p, x in zip(s.perfect_rounds, rows, strict=True))
    return replace(
        s, phase=_SCORING,
        totals=tuple(x["total"] for x in rows),
        zero_streaks=tuple(x["zero_streak"] for x in rows),
        perfect_rounds=perfect,
        last_round=make_frozen(RoundResult, {"round": d["round"], "multiplier": d["multiplier"],
                                             "seats": seats, "deals": deals}),
        leader=None,
    )


def _game_over(s: GameState, d: dict) -> GameState:
    return replace(s, phase=_GAME_OVER, ranking=tuple(d["ranking"]),
                   winners=tuple(d["winners"]))


_HANDLERS: dict[str, Callable[[GameState, dict], GameState]] = {
    "game_started": _game_started,
    "round_started": _round_started,
    "hands_dealt": _hands_dealt,
    "redeal_offered": _redeal_offered,
    "redeal_decided": _redeal_decided,
    "redeal_won": _redeal_won,
    "redeal_declined_all": _redeal_declined_all,
    "deal_stands": _deal_stands,
    "declared": _declared,
    "phase_changed": _phase_changed,
    "played": _played,
    "turn_won": _turn_won,
    "round_scored": _round_scored,
    "game_over": _game_over,
}


def evolve(state: GameState, event: Event) -> GameState:
    """The state after ``event``; unknown event types raise RuleViolation('unknown_event')."""
    fold = event._fold  # (before, after) when decide() emitted this very event object
    if fold is not None and fold[0] is state:
        return fold[1]
    return _evolve(state, event)


def _evolve(state: GameState, event: Event) -> GameState:
    """evolve without the memo lookup (decide's own fold: its events are always new)."""
    handler = _HANDLERS.get(event.type)
    if handler is None:
        raise RuleViolation("unknown_event", f"Unknown event type {event.type!r}.")
    return handler(state, event.data)


def replay(events: Iterable[Event]) -> GameState:
    """Fold events from GameState.initial()."""
    s = GameState.initial()
    for e in events:
        s = evolve(s, e)
    return s
