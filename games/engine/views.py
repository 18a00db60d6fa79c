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
    current_player,
    declared_in_order,
    pending_system_action,
)


def _play_dict(tp: TurnPlay) -> dict[str, Any]:
    return {"seat": tp.seat, "pieces": list(tp.pieces), "play_type": tp.play_type,
            "value": tp.value}


def _allowed(state: GameState, seat: int | None, waiting: tuple[int, ...]) -> dict[str, Any]:
    allowed: dict[str, Any] = {"redeal": False, "declare": [], "declare_forbidden": {},
                               "play": None}
    if seat is None or seat not in waiting:
        return allowed
    phase = state.phase
    if phase is Phase.PREPARATION:
        allowed["redeal"] = True
    elif phase is Phase.DECLARATION:
        bad = forbidden_declarations(declared_in_order(state), state.zero_streaks[seat])
        allowed["declare"] = [v for v in range(9) if v not in bad]
        allowed["declare_forbidden"] = {str(v): msg for v, (_, msg) in sorted(bad.items())}
    elif phase is Phase.TURN:
        lead = not state.turn_plays
        allowed["play"] = {"count": None if lead else state.required_count, "lead": lead}
    return allowed


def view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The JSON-safe picture of the game for ``seat`` (None = spectator, no hands)."""
    if seat is not None and not (isinstance(seat, int) and 0 <= seat < SEATS):
        raise ValueError("seat must be 0..3 or None")
    waiting = awaiting(state)
    phase = state.phase
    current = len(state.deals)
    deals = []
    for d in state.deals:
        entry: dict[str, Any] = {"deal": d.deal, "commitment": d.commitment, "seed": None}
        # a thrown-in deal (redeal) is public, the current one is not until scored
        if d.deal < current or phase in (Phase.SCORING, Phase.GAME_OVER):
            entry["seed"] = d.seed
        deals.append(entry)
    redeal = None
    if phase is Phase.PREPARATION and state.weak_seats:
        redeal = {
            "open": state.redeal_open,
            "weak_seats": list(state.weak_seats),
            "decisions": [state.redeal_decisions[s] for s in range(SEATS)],
            "eligible": seat is not None and seat in state.weak_seats
            and state.redeal_decisions[seat] is None and state.redeal_open,
        }
    lt = state.last_turn
    last_turn = None if lt is None else {
        "turn": lt.turn, "winner": lt.winner, "piles": lt.piles,
        "plays": [_play_dict(tp) for tp in lt.plays],
    }
    lr = state.last_round
    last_round = None if lr is None else {
        "round": lr.round, "multiplier": lr.multiplier,
        "seats": [{"seat": x.seat, "declared": x.declared, "captured": x.captured,
                   "base": x.base, "multiplier": x.multiplier, "score": x.score,
                   "total": x.total} for x in lr.seats],
        "deals": [{"deal": d.deal, "seed": d.seed, "commitment": d.commitment}
                  for d in lr.deals],
    }
    mover = current_player(state) if phase is Phase.TURN else current_declarer(state)
    return {
        "phase": phase.value,
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
        "pending_system_action": pending_system_action(state),
        "declarations": list(state.declarations),
        "captured": list(state.captured),
        "totals": list(state.totals),
        "zero_streaks": list(state.zero_streaks),
        "turn": {
            "number": state.turn_number,
            "leader": state.leader,
            "required_count": state.required_count,
            "plays": [_play_dict(tp) for tp in state.turn_plays],
        } if phase is Phase.TURN else None,
        "last_turn": last_turn,
        "played_this_round": list(state.played_this_round),
        "redeal": redeal,
        "deals": deals,
        "last_round": last_round,
        "game_over": {"ranking": list(state.ranking), "winners": list(state.winners)}
        if phase is Phase.GAME_OVER else None,
        "stats": [{"perfect_rounds": state.perfect_rounds[s], "turns_won": state.turns_won[s],
                   "piles_captured": state.piles_captured[s]} for s in range(SEATS)],
        "allowed": _allowed(state, seat, waiting),
    }


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
