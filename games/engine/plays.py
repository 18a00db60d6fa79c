"""Play types, values, comparison and the winner of a turn (rules.md §6-§7).

Classification depends only on the multiset of kinds; results are cached by
the sorted tuple of kinds because the same small sets recur constantly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from .pieces import COPIES, KINDS, POINTS, RANK, SPLIT


class PlayType(Enum):
    """The nine valid play types plus INVALID (values equal names, for JSON)."""

    SINGLE = "SINGLE"
    PAIR = "PAIR"
    THREE_OF_A_KIND = "THREE_OF_A_KIND"
    STRAIGHT = "STRAIGHT"
    FOUR_OF_A_KIND = "FOUR_OF_A_KIND"
    EXTENDED_STRAIGHT = "EXTENDED_STRAIGHT"
    EXTENDED_STRAIGHT_5 = "EXTENDED_STRAIGHT_5"
    FIVE_OF_A_KIND = "FIVE_OF_A_KIND"
    DOUBLE_STRAIGHT = "DOUBLE_STRAIGHT"
    INVALID = "INVALID"


STRAIGHT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"GENERAL", "ADVISOR", "ELEPHANT"}),
    frozenset({"CHARIOT", "HORSE", "CANNON"}),
)
_SOLDIER_TYPES = {3: PlayType.THREE_OF_A_KIND, 4: PlayType.FOUR_OF_A_KIND,
                  5: PlayType.FIVE_OF_A_KIND}

_CACHE: dict[tuple[str, ...], tuple[PlayType, int]] = {}


def _analyse(key: tuple[str, ...]) -> tuple[PlayType, int]:
    """Classify a sorted tuple of kinds and compute its value (uncached)."""
    n = len(key)
    if n == 0 or n > 6 or any(k not in POINTS for k in key):
        return PlayType.INVALID, 0
    total = sum(POINTS[k] for k in key)
    if n == 1:
        return PlayType.SINGLE, total
    colours = {SPLIT[k][1] for k in key}
    if len(colours) != 1:
        return PlayType.INVALID, 0
    names = Counter(SPLIT[k][0] for k in key)
    if n == 2:
        return (PlayType.PAIR, total) if len(names) == 1 else (PlayType.INVALID, 0)
    if set(names) == {"SOLDIER"}:
        return (_SOLDIER_TYPES[n], total) if n in _SOLDIER_TYPES else (PlayType.INVALID, 0)
    if set(names) not in STRAIGHT_GROUPS:
        return PlayType.INVALID, 0
    shape = sorted(names.values())
    distinct = sum(POINTS[k] for k in set(key))
    if shape == [1, 1, 1]:
        return PlayType.STRAIGHT, total
    if shape == [1, 1, 2]:
        return PlayType.EXTENDED_STRAIGHT, distinct
    if shape == [1, 2, 2]:
        return PlayType.EXTENDED_STRAIGHT_5, distinct
    if shape == [2, 2, 2] and "CHARIOT" in names:
        return PlayType.DOUBLE_STRAIGHT, total
    return PlayType.INVALID, 0


# Second-level cache keyed by the tuple exactly as given (any order), so the
# common call with an already-seen tuple skips sorting. Emptied when full.
_AS_GIVEN: dict[tuple[str, ...], tuple[PlayType, int]] = {}
_AS_GIVEN_LIMIT = 50_000


def analyse(pieces: Sequence[str]) -> tuple[PlayType, int]:
    """(type, value) of a set of pieces; order does not matter; INVALID has value 0."""
    if pieces.__class__ is tuple:
        hit = _AS_GIVEN.get(pieces)
        if hit is not None:
            return hit
    key = tuple(sorted(pieces))
    hit = _CACHE.get(key)
    if hit is None:
        hit = _analyse(key)
        if len(_CACHE) < 100_000:
            _CACHE[key] = hit
    if pieces.__class__ is tuple:
        if len(_AS_GIVEN) >= _AS_GIVEN_LIMIT:
            _AS_GIVEN.clear()
        _AS_GIVEN[pieces] = hit
    return hit


def classify(pieces: Sequence[str]) -> PlayType:
    """The play type of a set of kind strings (rules §6)."""
    return analyse(pieces)[0]


def play_value(pieces: Sequence[str]) -> int:
    """Value per rules §6: distinct-kind sum for extended straights, else the sum of points.

    INVALID sets have no value in the rules; this returns the plain sum of the
    points of the known kinds so callers always get an int.
    """
    ptype, value = analyse(pieces)
    if ptype is PlayType.INVALID:
        return sum(POINTS.get(p, 0) for p in pieces)
    return value


def compare(a: Sequence[str], b: Sequence[str]) -> int | None:
    """1 if a is stronger, -1 if b is, 0 for a tie, None when not comparable."""
    ta, va = analyse(a)
    tb, vb = analyse(b)
    if ta is PlayType.INVALID or ta is not tb:
        return None
    return (va > vb) - (va < vb)


def resolve_turn(plays: Sequence[Sequence[str]]) -> int:
    """Index of the turn's winner; plays are in turn order, leader first.

    A later play replaces the current best only with the same type and a
    strictly higher value, so ties go to the earlier player. If the leader's
    own play were INVALID (the engine never allows that) the leader still wins.
    """
    lead_type, best_value = analyse(plays[0])
    best = 0
    if lead_type is PlayType.INVALID:
        return 0
    for i in range(1, len(plays)):
        t, v = analyse(plays[i])
        if t is lead_type and v > best_value:
            best, best_value = i, v
    return best


_SINGLES_PAIRS: tuple[tuple[str, tuple[tuple[tuple[str, ...], ...], ...]], ...] = tuple(
    (k, ((), ((k,),), ((k,), (k, k)))) for k in KINDS)
_COLOUR_KINDS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (colour, f"SOLDIER_{colour}",
     tuple(f"{n}_{colour}" for n in ("GENERAL", "ADVISOR", "ELEPHANT")),
     tuple(f"{n}_{colour}" for n in ("CHARIOT", "HORSE", "CANNON")))
    for colour in ("RED", "BLACK"))
# (colour, soldiers capped at 5, the six straight kinds' counts capped at 2)
# -> that colour's multi-piece plays; at most 2 x 6 x 3**6 keys, filled lazily.
_COMBOS: dict[tuple[str, int, int, int, int, int, int, int], tuple[tuple[str, ...], ...]] = {}


def _colour_combos(colour: str, soldiers: int, cs: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
    """The multi-piece plays of one colour, given its capped counts (the structural rules)."""
    out: list[tuple[str, ...]] = []
    s = f"SOLDIER_{colour}"
    for n in (3, 4, 5):
        if soldiers >= n:
            out.append((s,) * n)
    for g, group in enumerate((("GENERAL", "ADVISOR", "ELEPHANT"), ("CHARIOT", "HORSE", "CANNON"))):
        ks = [f"{name}_{colour}" for name in group]
        gc = cs[3 * g: 3 * g + 3]
        if min(gc) < 1:
            continue
        out.append(tuple(ks))
        for i in range(3):  # one doubled: 2-1-1
            if gc[i] >= 2:
                out.append(tuple(ks[j] for j in range(3) for _ in range(2 if j == i else 1)))
        for i in range(3):  # one single: 2-2-1
            if all(gc[j] >= 2 for j in range(3) if j != i):
                out.append(tuple(ks[j] for j in range(3) for _ in range(1 if j == i else 2)))
        if all(c >= 2 for c in gc) and group[0] == "CHARIOT":
            out.append(tuple(k for k in ks for _ in range(2)))
    return tuple(out)


def valid_plays(hand: Sequence[str]) -> list[tuple[str, ...]]:
    """Every distinct valid play that can be formed from a hand (pieces sorted by kind order).

    Order: singles and pairs by kind (strongest first), then red then black
    soldier sets and straights. Built structurally rather than by testing all
    subsets, because bots call it on every lead (see :func:`_valid_plays_fast`).
    """
    if (hand.__class__ is list or hand.__class__ is tuple) and len(hand) <= _MAX_FAST_HAND:
        try:
            sig = sum(map(_DIGIT.__getitem__, hand))
        except (KeyError, TypeError):  # not all piece kinds: the general path says what it can
            pass
        else:
            return _valid_plays_fast(sig)
    return _valid_plays_by_count(hand)


# The fast path encodes a hand as one integer, a 4-bit count per kind (kind of
# rank r at bit 4r, so the 7 strongest kinds are the low 28 bits); a hand of
# at most 15 pieces cannot overflow a digit. The result is the concatenation
# of four parts, each depending on only some of the digits and memoised by
# them: singles and pairs of the 7 strongest kinds, of the 7 weakest, then red
# and black multi-piece plays. Real hands give at most a few thousand keys per
# part (each table is also emptied if it ever grows past _PART_LIMIT).
_MAX_FAST_HAND = 15
_SHIFT = {k: 4 * RANK[k] for k in KINDS}
_DIGIT = {k: 1 << sh for k, sh in _SHIFT.items()}
_STRONG_MASK = (1 << 28) - 1
_COLOUR_MASK = {colour: sum(15 << _SHIFT[k] for k in KINDS if SPLIT[k][1] == colour)
                for colour in ("RED", "BLACK")}
_RED_MASK, _BLACK_MASK = _COLOUR_MASK["RED"], _COLOUR_MASK["BLACK"]
_PART_LIMIT = 20_000
_STRONG_SP: dict[int, tuple[tuple[str, ...], ...]] = {}
_WEAK_SP: dict[int, tuple[tuple[str, ...], ...]] = {}
_RED_COMBOS: dict[int, tuple[tuple[str, ...], ...]] = {}
_BLACK_COMBOS: dict[int, tuple[tuple[str, ...], ...]] = {}


def _count(sig: int, kind: str) -> int:
    return (sig >> _SHIFT[kind]) & 15


def _singles_pairs_part(sig: int, kinds: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for k in kinds:
        c = _count(sig, k)
        if c:
            out += _SINGLES_PAIRS_BY_KIND[k][c if c < 2 else 2]
    return tuple(out)


def _combos_part(sig: int, colour: str) -> tuple[tuple[str, ...], ...]:
    _, s, (k1, k2, k3), (k4, k5, k6) = _COLOUR_KINDS[0 if colour == "RED" else 1]
    return _colour_combos(colour, min(_count(sig, s), 5),
                          tuple(min(_count(sig, k), 2) for k in (k1, k2, k3, k4, k5, k6)))


def _memo_part(table: dict[int, tuple[tuple[str, ...], ...]], key: int,
               build: Any, arg: Any) -> tuple[tuple[str, ...], ...]:
    if len(table) >= _PART_LIMIT:
        table.clear()
    part = table[key] = build(key, arg)
    return part


def _valid_plays_fast(sig: int) -> list[tuple[str, ...]]:
    """valid_plays of the hand with count signature ``sig`` (see above)."""
    strong = sig & _STRONG_MASK
    a = _STRONG_SP.get(strong)
    if a is None:
        a = _memo_part(_STRONG_SP, strong, _singles_pairs_part, KINDS[:7])
    weak = sig & ~_STRONG_MASK
    b = _WEAK_SP.get(weak)
    if b is None:
        b = _memo_part(_WEAK_SP, weak, _singles_pairs_part, KINDS[7:])
    red = sig & _RED_MASK
    c = _RED_COMBOS.get(red)
    if c is None:
        c = _memo_part(_RED_COMBOS, red, _combos_part, "RED")
    black = sig & _BLACK_MASK
    d = _BLACK_COMBOS.get(black)
    if d is None:
        d = _memo_part(_BLACK_COMBOS, black, _combos_part, "BLACK")
    return [*a, *b, *c, *d]


_SINGLES_PAIRS_BY_KIND = dict(_SINGLES_PAIRS)


def _valid_plays_by_count(hand: Iterable[str]) -> list[tuple[str, ...]]:
    """valid_plays for any input: counts each kind, then builds the plays."""
    count: dict[str, int] = {}
    get = count.get
    for k in hand:
        count[k] = get(k, 0) + 1
    out: list[tuple[str, ...]] = []
    for k, by_count in _SINGLES_PAIRS:
        c = get(k)
        if c:
            out += by_count[c if c < 2 else 2]
    for colour, s, (k1, k2, k3), (k4, k5, k6) in _COLOUR_KINDS:
        n, c1, c2, c3, c4, c5, c6 = (get(s, 0), get(k1, 0), get(k2, 0), get(k3, 0),
                                     get(k4, 0), get(k5, 0), get(k6, 0))
        key = (colour, n if n < 5 else 5, c1 if c1 < 2 else 2, c2 if c2 < 2 else 2,
               c3 if c3 < 2 else 2, c4 if c4 < 2 else 2, c5 if c5 < 2 else 2,
               c6 if c6 < 2 else 2)
        combos = _COMBOS.get(key)
        if combos is None:
            combos = _COMBOS[key] = _colour_combos(colour, key[1], key[2:])
        out += combos
    return out


def max_copies(kind: str) -> int:
    """How many copies of a kind the deck holds."""
    return COPIES[SPLIT[kind][0]]
