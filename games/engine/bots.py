"""Bots that choose a command from one seat's view only (they cannot cheat).

They read only the keys of ``views.DECISION_KEYS``, so callers pass the cheaper
``decision_view(state, seat)``; the full ``view`` works too.

* ``random``: a uniformly random legal action — any valid lead, any N pieces
  when following, accept/decline a redeal 50/50. One deliberate exception:
  declarations are drawn uniformly from the legal values in 1..2, not 0..8.
  Uniform 0..8 declarations score about −2.5 per round on average, so four such
  bots would (almost) never reach the target and a game would not end.
* ``strategic``: rules.md §10 — declares from hand strength (never illegally),
  then aims to capture exactly that: wins turns with its strongest sure plays
  while it still needs piles, and dumps pieces that cannot win once it has
  enough (or when winning would overshoot). Accepts a redeal on a weak hand
  80 % of the time.

Both are deterministic for a given ``rng_seed``.
"""

from __future__ import annotations

import hashlib
import struct
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from .commands import Command, Declare, Play, RedealDecision
from .pieces import DECK, POINTS
from .plays import PlayType, analyse, valid_plays

RANDOM_MIN_DECLARATION = 1
RANDOM_MAX_DECLARATION = 2
STRATEGIC_REDEAL_ACCEPT = 0.8

_DECK_COUNT = Counter(DECK)
_sha256 = hashlib.sha256


def choose_command(view: dict[str, Any], strategy: str = "strategic",
                   rng_seed: str = "") -> Command:
    """The command ``view["seat"]`` should send now; ValueError if it has nothing to do.

    ``view`` is :func:`~games.engine.views.decision_view` (or the full view) of
    that seat. The command carries ``rng_seed`` as its ``seed``: the same
    randomness then drives any deal the command causes, and callers need not
    copy the command to fill it in.
    """
    seat = view["seat"]
    if seat is None or seat not in view["awaiting"]:
        raise ValueError("this seat has nothing to do right now")
    if strategy == "random":
        return _random(view, seat, rng_seed)
    if strategy == "strategic":
        return _strategic(view, seat, HashRng(f"{rng_seed}|{seat}"), rng_seed)
    raise ValueError(f"unknown strategy {strategy!r}")


_MASK64 = 0xFFFFFFFFFFFFFFFF
_COUNTERS = tuple(b"%d" % i for i in range(64))


class HashRng:
    """A small deterministic RNG: 64-bit draws from SHA-256(seed ":" counter).

    Seeding Python's Mersenne Twister costs ~4.5 µs per bot call; this is ~10×
    cheaper and just as reproducible (bias of ``r % n`` with 64-bit r is negligible).
    Each digest, read as a big-endian integer, gives four draws, lowest 64 bits first.
    """

    __slots__ = ("_prefix", "_counter", "_pool", "_left")

    def __init__(self, seed: str) -> None:
        # utf8(seed + ":" + str(counter)) == utf8(seed + ":") + ascii(counter)
        self._prefix = f"{seed}:".encode()
        self._counter = 0
        self._left = 0

    def below(self, n: int) -> int:
        """Uniform integer in [0, n)."""
        left = self._left
        if left:
            pool = self._pool
        else:
            c = self._counter
            pool = int.from_bytes(
                _sha256(self._prefix + (_COUNTERS[c] if c < 64 else b"%d" % c)).digest(), "big")
            self._counter = c + 1
            left = 4
        self._pool = pool >> 64
        self._left = left - 1
        return (pool & _MASK64) % n

    def random(self) -> float:
        """Uniform float in [0, 1)."""
        return self.below(1 << 53) / (1 << 53)

    def choice(self, seq: Sequence):  # type: ignore[no-untyped-def]
        return seq[self.below(len(seq))]

    def sample(self, seq: Sequence, k: int) -> list:
        """k distinct positions of seq, in random order (partial Fisher–Yates)."""
        pool = list(seq)
        n = len(pool)
        for i in range(k):
            j = i + self.below(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def _first_draw(rng_seed: str, seat: int) -> int:
    """``HashRng(f"{rng_seed}|{seat}").below(1 << 64)`` without the object: the
    random bot's one draw per move (it needs more only to follow with several pieces)."""
    return _last_u64(_sha256(f"{rng_seed}|{seat}:0".encode()).digest(), 24)[0]


# the last 8 bytes of a digest, big-endian: the low 64 bits of the digest as an integer
_last_u64 = struct.Struct(">Q").unpack_from


_new = object.__new__
# Commands are built by setting a dict literal as the fresh instance's __dict__
# (past the frozen __setattr__; see games.engine.state.make_frozen).
_set_play_dict = Play.__dict__["__dict__"].__set__
_set_declare_dict = Declare.__dict__["__dict__"].__set__


def _play(seat: int, pieces: tuple[str, ...], seed: str) -> Play:
    """``Play(seat=seat, pieces=pieces, seed=seed)`` without the frozen-dataclass __init__ cost."""
    cmd = _new(Play)
    _set_play_dict(cmd, {"seat": seat, "pieces": pieces, "seed": seed})
    return cmd


# ---- random ------------------------------------------------------------------

def _random(view: dict[str, Any], seat: int, rng_seed: str) -> Command:
    # Every branch makes the draws HashRng(f"{rng_seed}|{seat}") would make, in
    # the same order (``random()`` is ``below(2**53) / 2**53``, ``choice`` one
    # ``below``), so a seed gives the same move; a single draw skips the object.
    allowed = view["allowed"]
    play = allowed["play"]
    if play is not None:
        hand = view["hand"]
        if play["lead"]:
            plays = valid_plays(hand)
            return _play(seat, plays[_first_draw(rng_seed, seat) % len(plays)], rng_seed)
        count = play["count"]
        if count == 1:
            return _play(seat, (hand[_first_draw(rng_seed, seat) % len(hand)],), rng_seed)
        return _play(seat, tuple(HashRng(f"{rng_seed}|{seat}").sample(hand, count)), rng_seed)
    if allowed["redeal"]:
        accept = (_first_draw(rng_seed, seat) % (1 << 53)) / (1 << 53) < 0.5
        return RedealDecision(seat=seat, accept=accept, seed=rng_seed)
    declare = allowed["declare"]
    if declare:
        lo, hi = RANDOM_MIN_DECLARATION, RANDOM_MAX_DECLARATION
        values = [v for v in declare if lo <= v <= hi] or declare
        return _declare_cmd(seat, values[_first_draw(rng_seed, seat) % len(values)], rng_seed)
    raise ValueError("this seat has nothing to do right now")


def _declare_cmd(seat: int, value: int, seed: str) -> Declare:
    """``Declare(seat=seat, value=value, seed=seed)``, built like :func:`_play`."""
    cmd = _new(Declare)
    _set_declare_dict(cmd, {"seat": seat, "value": value, "seed": seed})
    return cmd


# ---- strategic ---------------------------------------------------------------

def _unseen(view: dict[str, Any]) -> Counter[str]:
    """Pieces neither in my hand nor already played this round (others may hold them)."""
    c = _DECK_COUNT.copy()
    c.subtract(view["hand"])
    c.subtract(view["played_this_round"])
    return +c


def _beatable(play: tuple[str, ...], unseen: Counter[str]) -> bool:
    """Could some other player hold a same-type play of higher value?"""
    ptype, value = analyse(play)
    if ptype is PlayType.SINGLE:
        return any(POINTS[k] > value for k in unseen)
    if ptype is PlayType.PAIR:
        return any(n >= 2 and 2 * POINTS[k] > value for k, n in unseen.items())
    for p in valid_plays(list(unseen.elements())):
        t, v = analyse(p)
        if t is ptype and v > value:
            return True
    return False


# Weights fitted by least squares on 6,000 hands of strategic self-play
# (captured piles ~ piece counts + counts of each combination type), rounded.
_PIECE_WEIGHT = {"GENERAL_RED": 0.9, "GENERAL_BLACK": 0.9, "ADVISOR_RED": 0.85,
                 "ADVISOR_BLACK": 0.75, "ELEPHANT_RED": 0.65, "ELEPHANT_BLACK": 0.5}
_COMBO_WEIGHT = {PlayType.THREE_OF_A_KIND: 0.1, PlayType.STRAIGHT: 0.35,
                 PlayType.FOUR_OF_A_KIND: 0.45, PlayType.EXTENDED_STRAIGHT: 0.5,
                 PlayType.EXTENDED_STRAIGHT_5: 0.1, PlayType.FIVE_OF_A_KIND: 1.6}


def estimate_piles(hand: list[str], starter: bool) -> float:
    """Expected captured piles from hand strength: big pieces and combinations."""
    e = sum(_PIECE_WEIGHT.get(k, 0.0) for k in hand)
    for p in valid_plays(hand):
        e += _COMBO_WEIGHT.get(analyse(p)[0], 0.0)
    return e


def _declare(view: dict[str, Any], seat: int, seed: str) -> Command:
    allowed = view["allowed"]["declare"]
    est = estimate_piles(view["hand"], view["round_starter"] == seat)
    target = int(est + 0.5)
    if target in allowed:
        return Declare(seat=seat, value=target, seed=seed)
    # nearest legal value, preferring the side the estimate leans to
    order = sorted(allowed, key=lambda v: (abs(v - est), v))
    return Declare(seat=seat, value=order[0], seed=seed)


def _current_best(plays: list[dict[str, Any]]) -> tuple[str, int]:
    lead_type, best = plays[0]["play_type"], plays[0]["value"]
    for p in plays[1:]:
        if p["play_type"] == lead_type and p["value"] > best:
            best = p["value"]
    return lead_type, best


def _lead(view: dict[str, Any], seat: int, need: int, unseen: Counter[str],
          seed: str) -> Command:
    hand = view["hand"]
    plays = valid_plays(hand)
    if need <= 0:
        # lead what is least likely to win: the weakest single
        weakest = min(hand, key=POINTS.__getitem__)
        return _play(seat, (weakest,), seed)
    best_key = None
    best_play: tuple[str, ...] = ()
    for p in plays:
        if len(p) > need:
            continue
        sure = not _beatable(p, unseen)
        key = (sure, len(p) if sure else 0, analyse(p)[1] if not sure else -analyse(p)[1])
        if best_key is None or key > best_key:
            best_key, best_play = key, p
    return _play(seat, best_play, seed)


def _follow(view: dict[str, Any], seat: int, need: int, unseen: Counter[str],
            seed: str) -> Command:
    hand = view["hand"]
    n = view["allowed"]["play"]["count"]
    lead_type, best = _current_best(view["turn"]["plays"])
    want = 0 < need and n <= need
    winners: list[tuple[str, ...]] = []
    losers: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for combo in combinations(hand, n):
        if combo in seen:
            continue
        seen.add(combo)
        t, v = analyse(combo)
        if t.value == lead_type and v > best:
            winners.append(combo)
        else:
            losers.append(combo)
    remaining = 3 - len(view["turn"]["plays"])  # followers after me
    if want and winners:
        if remaining == 0:
            return _play(seat, min(winners, key=lambda c: analyse(c)[1]), seed)
        sure = [c for c in winners if not _beatable(c, unseen)]
        pick = min(sure, key=lambda c: analyse(c)[1]) if sure else max(
            winners, key=lambda c: analyse(c)[1])
        return _play(seat, pick, seed)
    pool = losers or winners
    points = lambda c: sum(POINTS[k] for k in c)  # noqa: E731
    if need <= 0:
        return _play(seat, max(pool, key=points), seed)  # shed strength safely
    return _play(seat, min(pool, key=points), seed)  # keep strength for later


def _strategic(view: dict[str, Any], seat: int, rng: HashRng, seed: str) -> Command:
    allowed = view["allowed"]
    if allowed["redeal"]:
        return RedealDecision(seat=seat, accept=rng.random() < STRATEGIC_REDEAL_ACCEPT,
                              seed=seed)
    if allowed["declare"]:
        return _declare(view, seat, seed)
    need = view["declarations"][seat] - view["captured"][seat]
    unseen = _unseen(view)
    if allowed["play"]["lead"]:
        return _lead(view, seat, need, unseen, seed)
    return _follow(view, seat, need, unseen, seed)
