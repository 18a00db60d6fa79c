"""The fast paths give exactly what the straightforward implementations gave.

The engine's hot paths (memoised analyse and valid_plays, the cheap view,
dataclass construction without __init__, the bots' hash RNG and the deal's
hash prefix, the random bot's single draw, the turn winner from the recorded
plays, the fold events carry for evolve) were rewritten for speed; the
reference versions below are the previous plain implementations, kept here
as the specification.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace as dc_replace
from typing import Any

import pytest

from games.engine import (
    DECK,
    KINDS,
    Event,
    GameState,
    Phase,
    StartGame,
    StartNextRound,
    analyse,
    awaiting,
    decide,
    evolve,
    shuffled_deck,
    valid_plays,
    view,
)
from games.engine.bots import HashRng, choose_command
from games.engine.declarations import forbidden_declarations
from games.engine.events import make_event
from games.engine.plays import _analyse
from games.engine.state import (
    SEATS,
    TurnPlay,
    TurnResult,
    copy_state,
    current_declarer,
    current_player,
    declared_in_order,
    make_turn_play,
    make_turn_result,
    pending_system_action,
    play_order,
    replace,
)
from games.engine.state import (
    awaiting as state_awaiting,
)

# ---- reference implementations (the code before the speed-up) -----------------

def reference_valid_plays(hand: Sequence[str]) -> list[tuple[str, ...]]:
    """Every distinct valid play that can be formed from a hand (pieces sorted by kind order).

    Built structurally rather than by testing all subsets, because bots call
    it on every lead.
    """
    count = Counter(hand)
    out: list[tuple[str, ...]] = []
    for k in KINDS:
        c = count.get(k, 0)
        if c >= 1:
            out.append((k,))
        if c >= 2:
            out.append((k, k))
    for colour in ("RED", "BLACK"):
        s = f"SOLDIER_{colour}"
        for n in (3, 4, 5):
            if count.get(s, 0) >= n:
                out.append((s,) * n)
        for group in (("GENERAL", "ADVISOR", "ELEPHANT"), ("CHARIOT", "HORSE", "CANNON")):
            ks = [f"{name}_{colour}" for name in group]
            cs = [min(count.get(k, 0), 2) for k in ks]
            if min(cs) < 1:
                continue
            out.append(tuple(ks))
            for i in range(3):  # one doubled: 2-1-1
                if cs[i] >= 2:
                    out.append(tuple(ks[j] for j in range(3) for _ in range(2 if j == i else 1)))
            for i in range(3):  # one single: 2-2-1
                if all(cs[j] >= 2 for j in range(3) if j != i):
                    out.append(tuple(ks[j] for j in range(3) for _ in range(1 if j == i else 2)))
            if all(c >= 2 for c in cs) and group[0] == "CHARIOT":
                out.append(tuple(k for k in ks for _ in range(2)))
    return out


def _ref_play_dict(tp: TurnPlay) -> dict[str, Any]:
    return {"seat": tp.seat, "pieces": list(tp.pieces), "play_type": tp.play_type,
            "value": tp.value}


def _ref_allowed(state: GameState, seat: int | None, waiting: tuple[int, ...]) -> dict[str, Any]:
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


def reference_view(state: GameState, seat: int | None) -> dict[str, Any]:
    """The JSON-safe picture of the game for ``seat`` (None = spectator, no hands)."""
    if seat is not None and not (isinstance(seat, int) and 0 <= seat < SEATS):
        raise ValueError("seat must be 0..3 or None")
    waiting = awaiting(state)
    phase = state.phase
    current = len(state.deals)
    deals = []
    for d in state.deals:
        entry: dict[str, Any] = {"deal": d.deal, "commitment": d.commitment, "seed": None,
                                 "shuffle": d.shuffle}
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
        "plays": [_ref_play_dict(tp) for tp in lt.plays],
    }
    lr = state.last_round
    last_round = None if lr is None else {
        "round": lr.round, "multiplier": lr.multiplier,
        "seats": [{"seat": x.seat, "declared": x.declared, "captured": x.captured,
                   "base": x.base, "multiplier": x.multiplier, "score": x.score,
                   "total": x.total} for x in lr.seats],
        "deals": [{"deal": d.deal, "seed": d.seed, "commitment": d.commitment,
                   "shuffle": d.shuffle} for d in lr.deals],
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
            "plays": [_ref_play_dict(tp) for tp in state.turn_plays],
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
        "allowed": _ref_allowed(state, seat, waiting),
    }


def reference_shuffled_deck(seed: str) -> list[str]:
    deck = list(DECK)
    for c, i in enumerate(range(len(deck) - 1, 0, -1)):
        r = int.from_bytes(hashlib.sha256(f"{seed}:{c}".encode()).digest()[:8], "big")
        j = r % (i + 1)
        deck[i], deck[j] = deck[j], deck[i]
    return deck


def reference_draws(seed: str, n: int) -> list[int]:
    out = []
    counter = 0
    while len(out) < n:
        pool = int.from_bytes(hashlib.sha256(f"{seed}:{counter}".encode()).digest(), "big")
        counter += 1
        for _ in range(4):
            out.append(pool & 0xFFFFFFFFFFFFFFFF)
            pool >>= 64
    return out[:n]


# ---- helpers -------------------------------------------------------------------

def sub_multisets(pieces: Sequence[str], max_size: int):
    c = Counter(pieces)
    kinds = sorted(c)
    for counts in itertools.product(*(range(c[k] + 1) for k in kinds)):
        if 0 < sum(counts) <= max_size:
            yield [k for k, n in zip(kinds, counts, strict=True) for _ in range(n)]


def game_states(strategy: str, games: int):
    """Every state (after each event) of a few complete bot games."""
    for g in range(games):
        state = GameState.initial()
        cmd = StartGame(seed=f"fp-{strategy}-{g}", target_score=30)
        n = 0
        while True:
            for e in decide(state, cmd):
                state = evolve(state, e)
                yield state
            if state.phase is Phase.GAME_OVER:
                break
            n += 1
            aw = awaiting(state)
            if aw:
                cmd = choose_command(view(state, aw[0]), strategy, f"{g}:{n}")
                cmd = dc_replace(cmd, seed=f"fp-{g}:{n}")
            else:
                cmd = StartNextRound(seed=f"fp-{g}:{n}")


# ---- tests ---------------------------------------------------------------------

def test_analyse_matches_uncached_classification_for_every_small_multiset_in_any_order() -> None:
    rng = random.Random(7)
    n = 0
    for ms in sub_multisets(DECK, 6):
        expected = _analyse(tuple(sorted(ms)))
        for _ in range(2):
            rng.shuffle(ms)
            assert analyse(tuple(ms)) == expected
            assert analyse(list(ms)) == expected
        n += 1
    assert n > 10_000


def test_analyse_of_odd_input_is_invalid_as_before() -> None:
    from games.engine import PlayType

    assert analyse(()) == (PlayType.INVALID, 0)
    assert analyse(("NOPE",)) == (PlayType.INVALID, 0)
    assert analyse(("SOLDIER_RED",) * 7) == (PlayType.INVALID, 0)


def test_valid_plays_matches_reference_on_random_hands_and_odd_input() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        hand = rng.sample(DECK, rng.randint(0, 12))
        assert valid_plays(hand) == reference_valid_plays(hand)
    for hand in (list(DECK), [], ["NOPE", "SOLDIER_RED"], list(KINDS), ["SOLDIER_BLACK"] * 9,
                 ["CHARIOT_RED"] * 5 + ["HORSE_RED"] * 3 + ["CANNON_RED"] * 2):
        assert valid_plays(hand) == reference_valid_plays(hand)


def test_valid_plays_matches_reference_on_every_sub_multiset_of_some_hands() -> None:
    rng = random.Random(3)
    for _ in range(4):
        hand = rng.sample(DECK, 8)
        for ms in sub_multisets(hand, 8):
            assert valid_plays(ms) == reference_valid_plays(ms)


def test_valid_plays_returns_a_fresh_list() -> None:
    hand = ["SOLDIER_RED"] * 3
    a = valid_plays(hand)
    a.clear()
    assert valid_plays(hand) == reference_valid_plays(hand)


@pytest.mark.parametrize("strategy", ["random", "strategic"])
def test_view_matches_reference_in_every_state_of_whole_games(strategy: str) -> None:
    count = 0
    for state in game_states(strategy, 3):
        for seat in (0, 1, 2, 3, None):
            v, ref = view(state, seat), reference_view(state, seat)
            assert v == ref
            assert list(v) == list(ref)  # same key order (the JSON clients get)
        count += 1
    assert count > 300


def test_views_never_share_a_mutable_container() -> None:
    def containers(obj: Any, out: list) -> list:
        if isinstance(obj, (dict, list)):
            out.append(obj)
            for v in obj.values() if isinstance(obj, dict) else obj:
                containers(v, out)
        return out

    for state in game_states("random", 1):
        if state.last_round is None or state.last_turn is None:
            continue
        a, b = view(state, 0), view(state, 0)
        assert not {id(x) for x in containers(a, [])} & {id(x) for x in containers(b, [])}


def test_state_queries_and_cheap_constructors_match_the_plain_ones() -> None:
    for state in itertools.islice(game_states("random", 1), 0, None, 7):
        assert state_awaiting(state) == awaiting(state)
        assert pending_system_action(state) in (None, "close_redeal_window", "start_next_round")
        if state.phase is Phase.DECLARATION:
            assert current_declarer(state) in (0, 1, 2, 3, None)
            prev = declared_in_order(state)
            assert forbidden_declarations(prev, 0).keys() <= set(range(9))
        if state.phase is Phase.TURN:
            assert awaiting(state) == (current_player(state),)
        copy, d = copy_state(state)
        assert copy == state and copy is not state and d is copy.__dict__
        assert replace(state, leader=3) == dc_replace(state, leader=3)
    for s in range(SEATS):
        assert play_order(s) == tuple((s + i) % SEATS for i in range(SEATS))
    assert play_order(5) == (1, 2, 3, 0)
    tp = make_turn_play(1, ("HORSE_RED",), "SINGLE", 6)
    ref = TurnPlay(1, ("HORSE_RED",), "SINGLE", 6)
    assert tp == ref and repr(tp) == repr(ref) and hash(tp) == hash(ref)
    tr = make_turn_result(2, 1, 1, (tp,))
    assert tr == TurnResult(2, 1, 1, (ref,)) and repr(tr) == repr(TurnResult(2, 1, 1, (ref,)))
    ev = make_event("declared", {"seat": 1, "value": 2})
    assert ev == Event("declared", {"seat": 1, "value": 2})
    assert repr(ev) == repr(Event("declared", {"seat": 1, "value": 2}))


@pytest.mark.parametrize("seed", ["", "a", "seed-1", "ünïcødé-種子", "x" * 100])
def test_hash_prefixes_give_the_documented_bytes(seed: str) -> None:
    assert shuffled_deck(seed, 1) == reference_shuffled_deck(seed)
    rng = HashRng(seed)
    draws = reference_draws(seed, 13)
    assert [rng.below(1 << 64) for _ in range(13)] == draws


def reference_random_bot(v: dict[str, Any], seed: str):
    """The random bot as it was written before its fast path (same HashRng draws)."""
    from games.engine import Declare, Play, RedealDecision

    seat = v["seat"]
    rng = HashRng(f"{seed}|{seat}")
    allowed = v["allowed"]
    if allowed["redeal"]:
        return RedealDecision(seat=seat, accept=rng.random() < 0.5)
    if allowed["declare"]:
        values = [x for x in allowed["declare"] if 1 <= x <= 2]
        return Declare(seat=seat, value=rng.choice(values or allowed["declare"]))
    if allowed["play"]["lead"]:
        return Play(seat=seat, pieces=rng.choice(reference_valid_plays(v["hand"])))
    return Play(seat=seat, pieces=tuple(rng.sample(v["hand"], allowed["play"]["count"])))


def test_random_bot_fast_path_makes_the_reference_choices() -> None:
    n = 0
    for i, state in enumerate(game_states("random", 2)):
        if state.phase is Phase.TURN and (len(state.turn_plays) == SEATS or not any(state.hands)):
            continue  # between two events of one command: nobody is asked to act here
        for seat in awaiting(state):
            v = view(state, seat)
            cmd = choose_command(v, "random", f"rb-{i}")
            # the bot's command carries its rng seed (the reference left it empty)
            ref = dc_replace(reference_random_bot(v, f"rb-{i}"), seed=f"rb-{i}")
            assert cmd == ref and repr(cmd) == repr(ref)
            n += 1
    assert n > 300


@pytest.mark.parametrize("seed", ["", "a|0", "ünïcødé-種子|3"])
def test_first_draw_is_the_first_hash_rng_draw(seed: str) -> None:
    from games.engine.bots import _first_draw

    rng_seed, _, seat = seed.rpartition("|")
    if not seat:
        rng_seed, seat = seed, "0"
    assert _first_draw(rng_seed, int(seat)) == HashRng(f"{rng_seed}|{seat}").below(1 << 64)


def test_turn_winner_is_resolve_turn_of_the_played_pieces() -> None:
    from games.engine import resolve_turn

    turns = 0
    for state in game_states("random", 2):
        lt = state.last_turn
        if lt is not None and state.turn_plays == () and state.phase is Phase.TURN:
            plays = [tp.pieces for tp in lt.plays]
            assert lt.plays[resolve_turn(plays)].seat == lt.winner
            turns += 1
    assert turns > 50


def test_evolve_reuses_the_fold_only_for_the_state_it_was_made_from() -> None:
    state = GameState.initial()
    events = decide(state, StartGame(seed="fold-check"))
    folded = state
    for e in events:
        rebuilt = Event(e.type, e.data)  # no fold: evolve computes it
        nxt = evolve(folded, e)
        assert nxt == evolve(folded, rebuilt)
        assert e == rebuilt and repr(e) == repr(rebuilt)
        folded = nxt
    # the first event's fold was made from the initial state; on another state
    # evolve must fold it itself
    other = replace(GameState.initial(), target_score=7)
    assert evolve(other, events[0]).target_score == events[0].data["target_score"]
    assert evolve(other, events[0]) is not evolve(state, events[0])


def test_records_built_without_init_equal_the_constructed_ones() -> None:
    from games.engine.state import DealRecord, SeatScore, make_frozen

    fields = {"seat": 1, "declared": 2, "captured": 2, "base": 7, "multiplier": 2,
              "score": 14, "total": 20}
    built, ref = make_frozen(SeatScore, dict(fields)), SeatScore(**fields)
    assert built == ref and repr(built) == repr(ref) and hash(built) == hash(ref)
    deal = make_frozen(DealRecord, {"deal": 1, "seed": "s", "commitment": "c", "shuffle": 2})
    ref_deal = DealRecord(1, "s", "c", 2)
    assert deal == ref_deal and hash(deal) == hash(ref_deal) and repr(deal) == repr(ref_deal)


def test_valid_plays_fast_path_matches_the_general_path_for_lists_and_tuples() -> None:
    from games.engine.plays import _valid_plays_by_count

    rng = random.Random(5)
    for _ in range(2000):
        hand = rng.sample(DECK, rng.randint(0, 15))
        expected = _valid_plays_by_count(hand)
        assert valid_plays(hand) == expected
        assert valid_plays(tuple(hand)) == expected
        assert valid_plays(iter(hand)) == expected  # any iterable takes the general path
