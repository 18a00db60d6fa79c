"""view(state, seat): exactly what one seat (or a spectator) may see, JSON-safe.

Never another seat's hand, never the seed of a deal still in play: only its
commitment. A deal's seed appears once its round is scored (``last_round``)
or once a redeal has thrown it in (``deals`` entries that are not current).
"""

from __future__ import annotations

from typing import Any

from .declarations import forbidden_declarations
from .state import (
    SEATS,
    GameState,
    Phase,
    TurnPlay,
    awaiting,
    current_declarer,
    declared_in_order,
)

_PREPARATION = Phase.PREPARATION
_DECLARATION = Phase.DECLARATION
_TURN = Phase.TURN
_SCORING = Phase.SCORING
_GAME_OVER = Phase.GAME_OVER
_PHASE_VALUE = {p: p.value for p in Phase}
_SEATS = tuple(range(SEATS))


def _play_dict(tp: TurnPlay) -> dict[str, Any]:
    return {"seat": tp.seat, "pieces": list(tp.pieces), "play_type": tp.play_type,
            "value": tp.value}


def _plays(plays: tuple[TurnPlay, ...]) -> list[dict[str, Any]]:
    return [{"seat": tp.seat, "pieces": list(tp.pieces), "play_type": tp.play_type,
             "value": tp.value} for tp in plays]


def _allowed(state: GameState, seat: int | None, waiting: tuple[int, ...]) -> dict[str, Any]:
    allowed: dict[str, Any] = {"redeal": False, "declare": [], "declare_forbidden": {},
                               "play": None}
    if seat is None or seat not in waiting:
        return allowed
    phase = state.phase
    if phase is _PREPARATION:
        allowed["redeal"] = True
    elif phase is _DECLARATION:
        bad = forbidden_declarations(declared_in_order(state), state.zero_streaks[seat])
        if bad:
            allowed["declare"] = [v for v in range(9) if v not in bad]
            allowed["declare_forbidden"] = {str(v): msg for v, (_, msg) in sorted(bad.items())}
        else:
            allowed["declare"] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    elif phase is _TURN:
        lead = not state.turn_plays
        allowed["play"] = {"count": None if lead else state.required_count, "lead": lead}
    return allowed


# The last scored round changes once per round but is shown in every view: its
# rows are built once (per RoundResult object) and each view gets fresh copies
# (dict() of a flat dict is much cheaper than building it from the dataclasses),
# so no two views ever share a mutable container.
_last_round_rows: tuple[object, tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]] = (
    None, (), ())


def _last_round(lr: Any) -> dict[str, Any]:
    global _last_round_rows
    cached = _last_round_rows
    if cached[0] is not lr:
        cached = (lr,
                  tuple({"seat": x.seat, "declared": x.declared, "captured": x.captured,
                         "base": x.base, "multiplier": x.multiplier, "score": x.score,
                         "total": x.total} for x in lr.seats),
                  tuple({"deal": d.deal, "seed": d.seed, "commitment": d.commitment}
                        for d in lr.deals))
        _last_round_rows = cached
    return {"round": lr.round, "multiplier": lr.multiplier,
            "seats": [dict(x) for x in cached[1]], "deals": [dict(d) for d in cached[2]]}


def view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The JSON-safe picture of the game for ``seat`` (None = spectator, no hands)."""
    if seat is not None and not (isinstance(seat, int) and 0 <= seat < SEATS):
        raise ValueError("seat must be 0..3 or None")
    phase = state.phase
    if phase is _TURN:
        leader = state.leader
        mover = None if leader is None else (leader + len(state.turn_plays)) % SEATS
        waiting: tuple[int, ...] = (mover,)  # type: ignore[assignment]
    else:
        waiting = awaiting(state)
        mover = current_declarer(state)
    revealed = phase is _SCORING or phase is _GAME_OVER
    current = len(state.deals)
    deals = [{"deal": d.deal, "commitment": d.commitment,
              # a thrown-in deal (redeal) is public, the current one is not until scored
              "seed": d.seed if d.deal < current or revealed else None}
             for d in state.deals]
    redeal = None
    if phase is _PREPARATION and state.weak_seats:
        redeal = {
            "open": state.redeal_open,
            "weak_seats": list(state.weak_seats),
            "decisions": [state.redeal_decisions[s] for s in range(SEATS)],
            "eligible": seat is not None and seat in state.weak_seats
            and state.redeal_decisions[seat] is None and state.redeal_open,
        }
    lt = state.last_turn
    lr = state.last_round
    if phase is _PREPARATION and state.redeal_open:
        pending: str | None = "close_redeal_window"
    elif phase is _SCORING:
        pending = "start_next_round"
    else:
        pending = None
    return {
        "phase": _PHASE_VALUE[phase],
        "round": state.round_number,
        "multiplier": state.multiplier,
        "target_score": state.target_score,
        "players": list(state.players),
        "seat": seat,
        "hand": list(state.hands[seat]) if seat is not None else None,
        "hand_sizes": [len(h) for h in state.hands],
        "round_starter": state.round_starter,
        "prospective_starter": state.prospective_starter,
        "leader": state.leader,
        "awaiting": list(waiting),
        "current_seat": mover,
        "pending_system_action": pending,
        "declarations": list(state.declarations),
        "captured": list(state.captured),
        "totals": list(state.totals),
        "zero_streaks": list(state.zero_streaks),
        "turn": {
            "number": state.turn_number,
            "leader": state.leader,
            "required_count": state.required_count,
            "plays": _plays(state.turn_plays),
        } if phase is _TURN else None,
        "last_turn": None if lt is None else {
            "turn": lt.turn, "winner": lt.winner, "piles": lt.piles,
            "plays": _plays(lt.plays),
        },
        "played_this_round": list(state.played_this_round),
        "redeal": redeal,
        "deals": deals,
        "last_round": None if lr is None else _last_round(lr),
        "game_over": {"ranking": list(state.ranking), "winners": list(state.winners)}
        if phase is _GAME_OVER else None,
        "stats": _stats(state.perfect_rounds, state.turns_won, state.piles_captured),
        "allowed": _allowed(state, seat, waiting),
    }


def _stats(perfect: tuple[int, ...], won: tuple[int, ...],
           piles: tuple[int, ...]) -> list[dict[str, int]]:
    (p0, p1, p2, p3), (w0, w1, w2, w3), (c0, c1, c2, c3) = perfect, won, piles
    return [{"perfect_rounds": p0, "turns_won": w0, "piles_captured": c0},
            {"perfect_rounds": p1, "turns_won": w1, "piles_captured": c1},
            {"perfect_rounds": p2, "turns_won": w2, "piles_captured": c2},
            {"perfect_rounds": p3, "turns_won": w3, "piles_captured": c3}]


def redact_event(event_type: str, data: dict[str, Any], seat: int | None) -> dict[str, Any]:
    """A copy of an event's data that ``seat`` may see (for pushing events to clients).

    Only ``hands_dealt`` carries secrets: the seed is removed (the commitment
    stays) and every hand but the seat's own becomes ``None``. All other event
    data is public (``round_scored`` reveals seeds on purpose).
    """
    if event_type != "hands_dealt":
        return dict(data)
    out = {k: v for k, v in data.items() if k not in ("seed", "hands")}
    out["hands"] = [list(h) if s == seat else None for s, h in enumerate(data["hands"])]
    return out
