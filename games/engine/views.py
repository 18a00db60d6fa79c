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
    awaiting,
    current_declarer,
    declared_in_order,
    play_dict,
)

_PREPARATION = Phase.PREPARATION
_DECLARATION = Phase.DECLARATION
_TURN = Phase.TURN
_SCORING = Phase.SCORING
_GAME_OVER = Phase.GAME_OVER
_PHASE_VALUE = {p: p.value for p in Phase}
_ALL_DECLARATIONS = (0, 1, 2, 3, 4, 5, 6, 7, 8)

class _ViewFields:
    """Builds a view's top-level dict: ``view`` sets all 27 attributes of a fresh
    instance, always in this order, and returns its ``__dict__``.

    Why: in CPython 3.11 those attribute stores are specialised (no hashing:
    each key's slot is known), and ``__dict__`` then wraps the stored values
    as an ordinary dict (a "split" one sharing this class's key table), about
    half the cost of filling a copied 27-key dict item by item. The instance
    itself is dropped; the dict is a plain ``dict`` like any other, with the
    keys in the order views have always had (clients and their JSON see it).
    """

    phase: str
    round: int
    multiplier: int
    target_score: int
    players: list[str]
    seat: int | None
    hand: list[str] | None
    hand_sizes: list[int]
    round_starter: int | None
    prospective_starter: int | None
    leader: int | None
    awaiting: list[int]
    current_seat: int | None
    pending_system_action: str | None
    declarations: list[int | None]
    captured: list[int]
    totals: list[int]
    zero_streaks: list[int]
    turn: dict[str, Any] | None
    last_turn: dict[str, Any] | None
    played_this_round: list[str]
    redeal: dict[str, Any] | None
    deals: list[dict[str, Any]]
    last_round: dict[str, Any] | None
    game_over: dict[str, Any] | None
    stats: list[dict[str, int]]
    allowed: dict[str, Any]


def _declare_allowed(state: GameState, seat: int) -> tuple[list[int], dict[str, str]]:
    """The declaring seat's legal values and the reasons for the others."""
    bad = forbidden_declarations(declared_in_order(state), state.zero_streaks[seat])
    if not bad:
        return list(_ALL_DECLARATIONS), {}
    return ([v for v in _ALL_DECLARATIONS if v not in bad],
            {str(v): msg for v, (_, msg) in sorted(bad.items())})


# The last scored round changes once per round but is shown in every view: its
# rows are built once (per RoundResult object) and each view gets fresh copies
# (dict.copy of a flat dict is much cheaper than building it from the
# dataclasses), so no two views ever share a mutable container.
_last_round_rows: tuple[object, tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]] = (
    None, (), ())
_copy_dict = dict.copy


def _cache_last_round(lr: Any) -> tuple[object, tuple[dict[str, Any], ...],
                                         tuple[dict[str, Any], ...]]:
    global _last_round_rows
    _last_round_rows = (
        lr,
        tuple({"seat": x.seat, "declared": x.declared, "captured": x.captured,
               "base": x.base, "multiplier": x.multiplier, "score": x.score,
               "total": x.total} for x in lr.seats),
        tuple({"deal": d.deal, "seed": d.seed, "commitment": d.commitment,
               "shuffle": d.shuffle} for d in lr.deals))
    return _last_round_rows


# The keys of ``view`` that a decision needs: what the bots read, and enough
# for any caller that only has to know what a seat may do now.
DECISION_KEYS = ("seat", "hand", "awaiting", "allowed", "turn", "round_starter",
                 "declarations", "captured", "played_this_round")


def decision_view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The keys of ``view(state, seat)`` a decision reads (``DECISION_KEYS``),
    built without the rest and without copies.

    Why: the bots (in the bench and in the server's service thread) choose a
    move once per command and read only these keys. Same values and same
    hiding rules as :func:`view` (it is built on this), but read-only: the
    state's own tuples are shared instead of copied into lists (``hand``,
    ``awaiting``, ``declarations``, ``captured``, ``played_this_round``, and
    each turn play's ``pieces``; ``turn["plays"]`` is a tuple). Its JSON is the
    view's JSON for those keys; ``allowed`` and the play dicts are fresh.
    """
    if seat.__class__ is not int or not 0 <= seat < SEATS:  # not the common case
        if seat is not None and not (isinstance(seat, int) and 0 <= seat < SEATS):
            raise ValueError("seat must be 0..3 or None")
    phase = state.phase
    turn = None
    allowed: dict[str, Any] = {"redeal": False, "declare": [], "declare_forbidden": {},
                               "play": None}
    if phase is _TURN:
        turn_plays = state.turn_plays
        leader = state.leader
        mover = None if leader is None else (leader + len(turn_plays)) % SEATS
        waiting: tuple[int | None, ...] = (mover,)
        turn = {"number": state.turn_number, "leader": leader,
                "required_count": state.required_count,
                "plays": tuple([{"seat": tp.seat, "pieces": tp.pieces,
                                 "play_type": tp.play_type, "value": tp.value}
                                for tp in turn_plays])}
        if seat is not None and seat == mover:
            lead = not turn_plays
            allowed["play"] = {"count": None if lead else state.required_count, "lead": lead}
    elif phase is _DECLARATION:
        mover = current_declarer(state)
        waiting = () if mover is None else (mover,)
        if seat is not None and seat == mover:
            allowed["declare"], allowed["declare_forbidden"] = _declare_allowed(state, seat)
    else:
        waiting = awaiting(state)
        if phase is _PREPARATION and seat is not None and seat in waiting:
            allowed["redeal"] = True
    return {"seat": seat, "hand": None if seat is None else state.hands[seat],
            "awaiting": waiting, "allowed": allowed, "turn": turn,
            "round_starter": state.round_starter, "declarations": state.declarations,
            "captured": state.captured, "played_this_round": state.played_this_round}


def view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The JSON-safe picture of the game for ``seat`` (None = spectator, no hands).

    Its decision part is :func:`decision_view`; the rest is added here.
    """
    part = decision_view(state, seat)
    phase = state.phase
    waiting = list(part["awaiting"])
    redeal = game_over = last_turn = last_round = pending = None
    mover = waiting[0] if waiting and (phase is _TURN or phase is _DECLARATION) else None
    if phase is _PREPARATION:
        if state.redeal_open:
            pending = "close_redeal_window"
        if state.weak_seats:
            redeal = {
                "open": state.redeal_open,
                "weak_seats": list(state.weak_seats),
                "decisions": list(state.redeal_decisions),
                "eligible": seat is not None and seat in state.weak_seats
                and state.redeal_decisions[seat] is None and state.redeal_open,
            }
    elif phase is _SCORING:
        pending = "start_next_round"
    elif phase is _GAME_OVER:
        game_over = {"ranking": list(state.ranking), "winners": list(state.winners)}
    lt = state.last_turn
    if lt is not None:
        plays = lt.plays
        if len(plays) == 4:  # a finished turn: unrolled, no call per play
            a, b, c, d = plays
            plays_out = [
                {"seat": a.seat, "pieces": list(a.pieces), "play_type": a.play_type,
                 "value": a.value},
                {"seat": b.seat, "pieces": list(b.pieces), "play_type": b.play_type,
                 "value": b.value},
                {"seat": c.seat, "pieces": list(c.pieces), "play_type": c.play_type,
                 "value": c.value},
                {"seat": d.seat, "pieces": list(d.pieces), "play_type": d.play_type,
                 "value": d.value}]
        else:
            plays_out = list(map(play_dict, plays))
        last_turn = {"turn": lt.turn, "winner": lt.winner, "piles": lt.piles,
                     "plays": plays_out}
    deals = state.deals
    current = len(deals)
    if current == 1:  # no redeal this round (the common case): no comprehension
        d = deals[0]
        deal_list = [{"deal": d.deal, "commitment": d.commitment,
                      "seed": d.seed if d.deal < 1 or phase is _SCORING or phase is _GAME_OVER
                      else None, "shuffle": d.shuffle}]
    else:
        revealed = phase is _SCORING or phase is _GAME_OVER
        # a thrown-in deal (redeal) is public, the current one is not until scored
        deal_list = [{"deal": d.deal, "commitment": d.commitment,
                      "seed": d.seed if d.deal < current or revealed else None,
                      "shuffle": d.shuffle}
                     for d in deals]
    lr = state.last_round
    if lr is not None:  # _last_round, inlined for its cache hit (every view but one a round)
        cached = _last_round_rows
        if cached[0] is not lr:
            cached = _cache_last_round(lr)
        last_round = {"round": lr.round, "multiplier": lr.multiplier,
                      "seats": list(map(_copy_dict, cached[1])),
                      "deals": list(map(_copy_dict, cached[2]))}
    (p0, p1, p2, p3), (w0, w1, w2, w3), (c0, c1, c2, c3) = (
        state.perfect_rounds, state.turns_won, state.piles_captured)
    v = _ViewFields()  # every attribute, in order (see _ViewFields)
    v.phase = _PHASE_VALUE[phase]
    v.round = state.round_number
    v.multiplier = state.multiplier
    v.target_score = state.target_score
    v.players = list(state.players)
    v.seat = seat
    v.hand = None if seat is None else list(part["hand"])
    v.hand_sizes = list(map(len, state.hands))
    v.round_starter = state.round_starter
    v.prospective_starter = state.prospective_starter
    v.leader = state.leader
    v.awaiting = waiting
    v.current_seat = mover
    v.pending_system_action = pending
    v.declarations = list(state.declarations)
    v.captured = list(state.captured)
    v.totals = list(state.totals)
    v.zero_streaks = list(state.zero_streaks)
    turn = part["turn"]
    if turn is not None:  # the JSON form: lists, fresh
        turn["plays"] = list(map(play_dict, state.turn_plays))
    v.turn = turn
    v.last_turn = last_turn
    v.played_this_round = list(state.played_this_round)
    v.redeal = redeal
    v.deals = deal_list
    v.last_round = last_round
    v.game_over = game_over
    v.stats = [{"perfect_rounds": p0, "turns_won": w0, "piles_captured": c0},
               {"perfect_rounds": p1, "turns_won": w1, "piles_captured": c1},
               {"perfect_rounds": p2, "turns_won": w2, "piles_captured": c2},
               {"perfect_rounds": p3, "turns_won": w3, "piles_captured": c3}]
    v.allowed = part["allowed"]
    return v.__dict__


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
