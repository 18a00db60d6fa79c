"""decide(state, command) -> events: every rule check lives here.

decide never mutates anything: it evolves a private working copy while it
emits events so follow-on facts (a turn's winner, the round's score, the next
deal) are computed from exactly the state the events will produce. On any
RuleViolation the partial list is discarded, so a rejected command changes
nothing.
"""

from __future__ import annotations

from typing import Any

from .commands import (
    AUTO_REASONS,
    ActForSeat,
    CloseRedealWindow,
    Command,
    Declare,
    Play,
    RedealDecision,
    StartGame,
    StartNextRound,
)
from .dealing import SHUFFLE_VERSION, commitment, deal_from_seed
from .declarations import MAX_DECLARATION, forbidden_declarations
from .errors import RuleViolation
from .events import Event
from .evolve import _HANDLERS as _EVOLVERS
from .evolve import hands_dealt_sorted
from .pieces import POINTS, WEAK_LIMIT
from .plays import PlayType, analyse
from .scoring import base_score, ranking, winners
from .state import (
    _DECLARATION,
    _GAME_OVER,
    _PREPARATION,
    _SCORING,
    _TURN,
    _WAITING,
    SEATS,
    GameState,
    awaiting,
    current_declarer,
    declared_in_order,
    play_dict,
    play_order,
)


class _Emitter:
    """Collects events and keeps the state they lead to."""

    __slots__ = ("state", "events", "auto")

    def __init__(self, state: GameState, auto: str | None = None) -> None:
        self.state = state
        self.events: list[Event] = []
        self.auto = auto

    def emit(self, type_: str, data: dict[str, Any], player_action: bool = False) -> None:
        if player_action and self.auto is not None:
            data["auto"] = self.auto
        # make_event and _evolve, inlined: this runs for every event decide emits.
        # The event remembers the fold (see Event._fold) so the caller's evolve
        # of this very event on this very state is a lookup.
        before = self.state
        self.state = after = _EVOLVERS[type_](before, data)
        ev = _new(Event)
        _set_event_dict(ev, {"type": type_, "data": data, "_fold": (before, after)})
        self.events.append(ev)

    def emit_folded(self, type_: str, data: dict[str, Any], after: GameState) -> None:
        """``emit`` when the caller already built the state the event leads to."""
        ev = _new(Event)
        _set_event_dict(ev, {"type": type_, "data": data, "_fold": (self.state, after)})
        self.state = after
        self.events.append(ev)


_new = object.__new__
_set_event_dict = Event.__dict__["__dict__"].__set__


def _need_seed(seed: str) -> None:
    if not isinstance(seed, str) or not seed:
        raise RuleViolation("missing_seed",
                            "This command causes a deal and needs a non-empty seed.")


def _check_seat(seat: object) -> int:
    if isinstance(seat, bool) or not isinstance(seat, int) or not 0 <= seat < SEATS:
        raise RuleViolation("bad_seat", f"Seat must be an integer 0..{SEATS - 1}.")
    return seat


def _deal(em: _Emitter, seed: str) -> None:
    """Deal a new hand set for the current round; offer a redeal or let it stand."""
    _need_seed(seed)
    s = em.state
    hands = deal_from_seed(seed, SHUFFLE_VERSION)
    if s.multiplier > 1:  # a redeal happened this round: its winner starts
        starter = s.prospective_starter
    elif s.round_number == 1:
        starter = next(i for i, h in enumerate(hands) if "GENERAL_RED" in h)
    else:
        starter = s.last_turn.winner if s.last_turn is not None else 0
    data = {
        "round": s.round_number, "deal": len(s.deals) + 1, "seed": seed,
        "commitment": commitment(seed), "hands": [list(h) for h in hands],
        "starter": starter, "shuffle": SHUFFLE_VERSION,
    }
    # deal_from_seed's hands are sorted already: fold them without sorting again
    em.emit_folded("hands_dealt", data, hands_dealt_sorted(s, data, hands))
    # is_weak_hand for dealt hands (known kinds): no piece above 9 points
    weak = [i for i in range(SEATS) if _STRONG_KINDS.isdisjoint(hands[i])]
    if weak:
        em.emit("redeal_offered", {"weak_seats": weak})
    else:
        em.emit("deal_stands", {"starter": starter})


_STRONG_KINDS = frozenset(k for k, p in POINTS.items() if p > WEAK_LIMIT)


def _resolve_redeal(em: _Emitter, seed: str) -> None:
    """All weak seats decided: first accepter from the prospective starter wins, else stand."""
    s = em.state
    start = s.prospective_starter if s.prospective_starter is not None else 0
    accepters = [x for x in play_order(start) if s.redeal_decisions[x] is True]
    if not accepters:
        em.emit("redeal_declined_all", {})
        em.emit("deal_stands", {"starter": start})
        return
    _need_seed(seed)
    em.emit("redeal_won", {"seat": accepters[0], "multiplier": s.multiplier + 1})
    _deal(em, seed)


def _start_game(em: _Emitter, c: StartGame) -> None:
    if em.state.phase not in (_WAITING, _GAME_OVER):
        raise RuleViolation("wrong_phase", "A game is already in progress.")
    players = c.players
    if (not isinstance(players, (tuple, list)) or len(players) != SEATS
            or not all(isinstance(p, str) and p.strip() for p in players)):
        raise RuleViolation("seats_not_full", "A game needs exactly 4 seated players.")
    target = c.target_score
    if isinstance(target, bool) or not isinstance(target, int) or target < 1:
        raise RuleViolation("bad_command", "target_score must be a positive integer.")
    _need_seed(c.seed)
    em.emit("game_started", {"players": list(players), "target_score": c.target_score})
    em.emit("round_started", {"round": 1})
    _deal(em, c.seed)


def _redeal_decision(em: _Emitter, c: RedealDecision) -> None:
    s = em.state
    seat = _check_seat(c.seat)
    if not isinstance(c.accept, bool):
        raise RuleViolation("bad_command", "accept must be true or false.")
    if s.phase is not _PREPARATION or not s.redeal_open:
        raise RuleViolation("wrong_phase", "No redeal offer is open.")
    if seat not in s.weak_seats:
        raise RuleViolation("not_weak", "Only a player with a weak hand may ask for a redeal.")
    if s.redeal_decisions[seat] is not None:
        raise RuleViolation("already_decided", "You have already decided on this redeal.")
    em.emit("redeal_decided", {"seat": seat, "accept": c.accept}, player_action=True)
    if not awaiting(em.state):
        _resolve_redeal(em, c.seed)


def _close_redeal_window(em: _Emitter, c: CloseRedealWindow) -> None:
    s = em.state
    if s.phase is not _PREPARATION or not s.redeal_open:
        raise RuleViolation("wrong_phase", "No redeal offer is open.")
    for seat in s.weak_seats:
        if em.state.redeal_decisions[seat] is None:
            em.emit("redeal_decided", {"seat": seat, "accept": False, "auto": "timeout"})
    _resolve_redeal(em, c.seed)


def _declare(em: _Emitter, c: Declare) -> None:
    s = em.state
    seat = _check_seat(c.seat)
    if s.phase is not _DECLARATION:
        raise RuleViolation("wrong_phase", "It is not time to declare.")
    if current_declarer(s) != seat:
        if s.declarations[seat] is not None:
            raise RuleViolation("already_declared", "You have already declared this round.")
        raise RuleViolation("not_your_turn", "It is not your turn to declare.")
    v = c.value
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_DECLARATION:
        raise RuleViolation("invalid_declaration", "Declare a whole number of piles from 0 to 8.")
    bad = forbidden_declarations(declared_in_order(s), s.zero_streaks[seat])
    if v in bad:
        code, msg = bad[v]
        raise RuleViolation(code, msg)
    em.emit("declared", {"seat": seat, "value": v}, player_action=True)
    if current_declarer(em.state) is None:
        em.emit("phase_changed", {"from": _DECLARATION.value, "to": _TURN.value,
                                  "leader": s.round_starter})


_KINDS = frozenset(POINTS)
_INVALID = PlayType.INVALID


def _check_pieces(pieces: tuple[str, ...] | list[str], hand: tuple[str, ...]) -> None:
    """RuleViolation unless ``pieces`` are piece kinds that ``hand`` holds (with repeats)."""
    try:
        known = _KINDS.issuperset(pieces)  # fast path: every item is a kind string
    except TypeError:  # an unhashable item
        known = False
    if not known:
        for p in pieces:
            if not isinstance(p, str):
                raise RuleViolation("bad_command", "pieces must be a list of piece kinds.")
        for p in pieces:
            if p not in POINTS:
                raise RuleViolation("unknown_piece", f"{p!r} is not a piece kind.")
    rest = list(hand)
    for p in pieces:
        try:
            rest.remove(p)
        except ValueError:
            n = pieces.count(p)
            raise RuleViolation(
                "pieces_not_in_hand",
                f"You do not hold {n} × {p}." if n > 1 else f"You do not hold {p}.") from None


def _play(em: _Emitter, c: Play) -> None:
    # About 30 of a round's 34 commands are plays, so this is written for the
    # common case (a well-formed play by the seat to move) and only falls back
    # to the slower checks to say which rule a bad command breaks.
    s = em.state
    seat = c.seat
    if seat.__class__ is not int or not 0 <= seat < SEATS:
        seat = _check_seat(seat)
    if s.phase is not _TURN:
        raise RuleViolation("wrong_phase", "It is not time to play.")
    turn_plays = s.turn_plays
    leader = s.leader  # current_player(s), inlined
    if leader is None or (leader + len(turn_plays)) % SEATS != seat:
        if any(tp.seat == seat for tp in turn_plays):
            raise RuleViolation("already_played", "You have already played in this turn.")
        raise RuleViolation("not_your_turn", "It is not your turn to play.")
    pieces = c.pieces
    if pieces.__class__ is not tuple and not isinstance(pieces, (tuple, list)):
        raise RuleViolation("bad_command", "pieces must be a list of piece kinds.")
    hand = s.hands[seat]
    if len(pieces) != 1 or pieces[0].__class__ is not str or pieces[0] not in hand:
        _check_pieces(pieces, hand)  # else: one held piece, so a known kind
    ptype, value = analyse(pieces)
    if not turn_plays:
        if not 1 <= len(pieces) <= 6:
            raise RuleViolation("wrong_piece_count", "The leader plays 1 to 6 pieces.")
        if ptype is _INVALID:
            raise RuleViolation("invalid_play", "The leader must play a valid combination.")
    elif len(pieces) != s.required_count:
        raise RuleViolation("wrong_piece_count",
                            f"You must play exactly {s.required_count} piece(s) in this turn.")
    em.emit("played", {"seat": seat, "pieces": list(pieces), "play_type": ptype._value_,
                       "value": value}, player_action=True)
    if len(turn_plays) < SEATS - 1:
        return
    st = em.state
    plays = st.turn_plays
    # resolve_turn (rules §7) over the type and value each play was recorded
    # with: a later play takes the lead only with the lead's type and a
    # strictly higher value (the leader's play is always valid here).
    best = plays[0]
    lead_type, best_value = best.play_type, best.value
    for tp in plays[1:]:
        if tp.play_type == lead_type and tp.value > best_value:
            best, best_value = tp, tp.value
    em.emit("turn_won", {
        "seat": best.seat, "piles": st.required_count, "turn": st.turn_number,
        "plays": list(map(play_dict, plays)),
    })
    if any(em.state.hands):
        return
    _score_round(em)


def _score_round(em: _Emitter) -> None:
    s = em.state
    rows = []
    for seat in range(SEATS):
        d = s.declarations[seat]
        a = s.captured[seat]
        base = base_score(d, a)
        score = base * s.multiplier
        rows.append({
            "seat": seat, "declared": d, "captured": a, "base": base,
            "multiplier": s.multiplier, "score": score, "total": s.totals[seat] + score,
            "perfect": d > 0 and a == d,
            "zero_streak": s.zero_streaks[seat] + 1 if d == 0 else 0,
        })
    em.emit("round_scored", {
        "round": s.round_number, "multiplier": s.multiplier, "seats": rows,
        "deals": [{"deal": x.deal, "seed": x.seed, "commitment": x.commitment,
                   "shuffle": x.shuffle} for x in s.deals],
    })
    totals = em.state.totals
    if max(totals) >= s.target_score:
        em.emit("game_over", {"ranking": list(ranking(totals)), "winners": list(winners(totals)),
                              "totals": list(totals)})


def _start_next_round(em: _Emitter, c: StartNextRound) -> None:
    if em.state.phase is not _SCORING:
        raise RuleViolation("wrong_phase", "The next round can start only after scoring.")
    _need_seed(c.seed)
    em.emit("round_started", {"round": em.state.round_number + 1})
    _deal(em, c.seed)


def _act_for_seat(em: _Emitter, c: ActForSeat) -> None:
    from .bots import choose_command  # local: bots depend on views, not on decide
    from .views import decision_view

    seat = _check_seat(c.seat)
    if c.reason not in AUTO_REASONS:
        raise RuleViolation("bad_command", f"reason must be one of {', '.join(AUTO_REASONS)}.")
    if em.state.phase in (_WAITING, _SCORING, _GAME_OVER):
        raise RuleViolation("wrong_phase", "No player action is pending.")
    if seat not in awaiting(em.state):
        raise RuleViolation("not_your_turn", "That seat has nothing to do right now.")
    s = em.state
    cmd: Command
    if s.phase is _PREPARATION and c.reason == "disconnected":
        cmd = RedealDecision(seat=seat, accept=False, seed=c.seed)
    else:
        cmd = choose_command(decision_view(s, seat), "strategic", rng_seed=c.seed)
    em.auto = c.reason
    _HANDLERS[type(cmd)](em, cmd)


_HANDLERS: dict[type, Any] = {
    StartGame: _start_game,
    RedealDecision: _redeal_decision,
    CloseRedealWindow: _close_redeal_window,
    Declare: _declare,
    Play: _play,
    StartNextRound: _start_next_round,
    ActForSeat: _act_for_seat,
}


def decide(state: GameState, command: Command) -> list[Event]:
    """The events ``command`` produces from ``state``; raises RuleViolation when refused."""
    handler = _HANDLERS.get(command.__class__)
    if handler is None:
        raise RuleViolation("bad_command", f"Unknown command {command!r}.")
    em = _Emitter(state)
    handler(em, command)
    return em.events


def decide_and_evolve(state: GameState, command: Command) -> tuple[list[Event], GameState]:
    """decide plus the resulting state (saves a second fold for callers that want both)."""
    handler = _HANDLERS.get(command.__class__)
    if handler is None:
        raise RuleViolation("bad_command", f"Unknown command {command!r}.")
    em = _Emitter(state)
    handler(em, command)
    return em.events, em.state
