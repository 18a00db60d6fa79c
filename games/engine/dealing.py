"""Deterministic, implementation-independent dealing and deal verification (rules §3).

Algorithm (documented in docs/engine.md so anyone can check a deal):

1. ``deck`` = the canonical 32-piece DECK (strongest kind first, repeats adjacent).
2. ``stream`` = the first 248 bytes of SHAKE-256(utf8(seed)).
3. For ``c`` = 0, 1, ..., 30 with ``i`` = 31 − c: ``r`` = bytes ``8c .. 8c+7`` of
   ``stream`` as a big-endian unsigned integer; ``j = r mod (i + 1)``; swap
   ``deck[i]`` and ``deck[j]`` (Fisher–Yates, high index first).
4. Seat ``s`` gets ``deck[8s : 8s + 8]``, sorted strongest first.

That is shuffle version 2, recorded as ``"shuffle": 2`` in every ``hands_dealt``
event since it was introduced. Version 1 (events without the field) drew
``r`` from SHA-256(utf8(seed + ":" + str(c))), one hash per step: the same
walk, about 4x slower, kept so older deals still verify.

The commitment published with the deal is ``SHA-256(utf8(seed))`` in lowercase hex.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from .pieces import DECK, sort_pieces

Hands = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

SHUFFLE_VERSION = 2  # what new deals use
SHUFFLE_VERSIONS = (1, 2)

_STEPS_COUNT = len(DECK) - 1  # 31 swaps
_DRAWS = struct.Struct(f">{_STEPS_COUNT}Q").unpack
# (i, i + 1) for each Fisher–Yates step c = 0..30, and version 1's counter bytes
_STEPS = tuple((i, i + 1) for i in range(_STEPS_COUNT, 0, -1))
_V1_STEPS = tuple((b"%d" % c, i, i + 1) for c, i in enumerate(range(_STEPS_COUNT, 0, -1)))
_first_u64 = struct.Struct(">Q").unpack_from
_shake_256 = hashlib.shake_256


def commitment(seed: str) -> str:
    """SHA-256 hex of the seed, published before the seed is revealed."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def shuffled_deck(seed: str, shuffle: int = SHUFFLE_VERSION) -> list[str]:
    """Fisher–Yates driven by the seed (see module docstring; ``shuffle`` = version)."""
    deck = list(DECK)
    if shuffle == 2:
        # one SHAKE-256 call gives all 31 draws (about 1 µs, against 11 µs for
        # version 1's 31 separate SHA-256 digests; a deal happens every round)
        draws = _DRAWS(_shake_256(seed.encode("utf-8")).digest(8 * _STEPS_COUNT))
        for r, (i, n) in zip(draws, _STEPS, strict=True):
            j = r % n
            deck[i], deck[j] = deck[j], deck[i]
        return deck
    if shuffle != 1:
        raise ValueError(f"unknown shuffle version {shuffle!r}")
    # utf8(seed + ":" + str(c)) == utf8(seed + ":") + ascii(c): hash the common
    # prefix once and copy that hash state for each counter.
    copy = hashlib.sha256(f"{seed}:".encode()).copy
    for counter, i, n in _V1_STEPS:
        h = copy()
        h.update(counter)
        j = _first_u64(h.digest())[0] % n
        deck[i], deck[j] = deck[j], deck[i]
    return deck


def deal_from_seed(seed: str, shuffle: int = SHUFFLE_VERSION) -> Hands:
    """The four 8-piece hands the seed produces, each sorted strongest first."""
    d = shuffled_deck(seed, shuffle)
    return tuple(sort_pieces(d[8 * s: 8 * s + 8]) for s in range(4))  # type: ignore[return-value]


def verify_deal(seed: str, commitment_hex: str, hands: Sequence[Sequence[str]],
                shuffle: int = SHUFFLE_VERSION) -> bool:
    """True when the seed hashes to the commitment AND reproduces the hands (as multisets)
    under the deal's shuffle version (``hands_dealt``'s ``shuffle``; 1 when absent)."""
    if shuffle not in SHUFFLE_VERSIONS:
        return False
    if commitment(seed) != commitment_hex.lower():
        return False
    if len(hands) != 4:
        return False
    expected = deal_from_seed(seed, shuffle)
    try:
        return all(tuple(sort_pieces(h)) == e for h, e in zip(hands, expected, strict=True))
    except KeyError:
        return False
