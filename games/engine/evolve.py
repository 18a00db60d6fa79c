"""Apply one event to a state (pure). Events carry every fact they need, so
evolve never re-derives rules — it only records what decide already decided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .errors import RuleViolation
from .events import Event
from .pieces import sort_pieces
from .state import (
    DealRecord,
    GameState,
    Phase,
    RoundResult,
    SeatScore,
    TurnPlay,
    _set_state_dict,
    copy_state,
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
    return GameState(phase=Phase.PREPARATION, players=tuple(d["players"]),
                     target_score=d["target_score"])


def _round_started(s: GameState, d: dict) -> GameState:
    return replace(
        s, phase=Phase.PREPARATION, round_number=d["round"], multiplier=1, deals=(),
        hands=((), (), (), ()), prospective_starter=None, round_starter=None,
        redeal_open=False, weak_seats=(), redeal_decisions=_NONE4, declarations=_NONE4,
        captured=_ZERO4, turn_number=0, leader=None, turn_plays=(), required_count=None,
        played_this_round=(),
    )


def _hands_dealt(s: GameState, d: dict) -> GameState:
    return replace(
        s, phase=Phase.PREPARATION,
        deals=s.deals + (DealRecord(d["deal"], d["seed"], d["commitment"]),),
        hands=tuple(sort_pieces(h) for h in d["hands"]),
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
    return replace(s, phase=Phase.DECLARATION, redeal_open=False, round_starter=d["starter"],
                   prospective_starter=d["starter"])


def _declared(s: GameState, d: dict) -> GameState:
    new, nd = copy_state(s)
    nd["declarations"] = _set(s.declarations, d["seat"], d["value"])
    return new


def _phase_changed(s: GameState, d: dict) -> GameState:
    to = Phase(d["to"])
    if to is Phase.TURN:
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
    td = tp.__dict__
    td["seat"] = seat
    td["pieces"] = pieces
    td["play_type"] = d["play_type"]
    td["value"] = d["value"]
    nd = s.__dict__.copy()
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
    new, nd = copy_state(s)
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
    seats = tuple(
        SeatScore(x["seat"], x["declared"], x["captured"], x["base"], x["multiplier"],
                  x["score"], x["total"])
        for x in d["seats"]
    )
    deals = tuple(DealRecord(x["deal"], x["seed"], x["commitment"]) for x in d["deals"])
    perfect = tuple(p + (1 if x["perfect"] else 0)
                    for p, x in zip(s.perfect_rounds, d["seats"], strict=True))
    return replace(
        s, phase=Phase.SCORING,
        totals=tuple(x["total"] for x in d["seats"]),
        zero_streaks=tuple(x["zero_streak"] for x in d["seats"]),
        perfect_rounds=perfect,
        last_round=RoundResult(d["round"], d["multiplier"], seats, deals),
        leader=None,
    )


def _game_over(s: GameState, d: dict) -> GameState:
    return replace(s, phase=Phase.GAME_OVER, ranking=tuple(d["ranking"]),
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
