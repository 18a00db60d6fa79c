"""Deterministic, implementation-independent dealing and deal verification (rules §3).

Algorithm (documented in docs/engine.md so anyone can check a deal):

1. ``deck`` = the canonical 32-piece DECK (strongest kind first, repeats adjacent).
2. For ``i`` from 31 down to 1 (``c`` = 31 − i = 0, 1, ..., 30):
   ``h = SHA-256(utf8(seed + ":" + str(c)))``; ``r`` = the first 8 bytes of ``h``
   as a big-endian unsigned integer; ``j = r mod (i + 1)``; swap ``deck[i]`` and ``deck[j]``.
3. Seat ``s`` gets ``deck[8s : 8s + 8]``, sorted strongest first.

The commitment published with the deal is ``SHA-256(utf8(seed))`` in lowercase hex.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from .pieces import DECK, sort_pieces

Hands = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def commitment(seed: str) -> str:
    """SHA-256 hex of the seed, published before the seed is revealed."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


# (counter bytes, i, i + 1) for each Fisher–Yates step, and the big-endian
# read of a digest's first 8 bytes: precomputed because every round deals.
_STEPS = tuple((b"%d" % c, i, i + 1) for c, i in enumerate(range(len(DECK) - 1, 0, -1)))
_first_u64 = struct.Struct(">Q").unpack_from


def shuffled_deck(seed: str) -> list[str]:
    """Fisher–Yates driven by SHA-256(seed + ':' + counter) (see module docstring)."""
    deck = list(DECK)
    # utf8(seed + ":" + str(c)) == utf8(seed + ":") + ascii(c): hash the common
    # prefix once and copy that hash state for each counter (~2x faster).
    copy = hashlib.sha256(f"{seed}:".encode()).copy
    for counter, i, n in _STEPS:
        h = copy()
        h.update(counter)
        j = _first_u64(h.digest())[0] % n
        deck[i], deck[j] = deck[j], deck[i]
    return deck


def deal_from_seed(seed: str) -> Hands:
    """The four 8-piece hands the seed produces, each sorted strongest first."""
    d = shuffled_deck(seed)
    return tuple(sort_pieces(d[8 * s: 8 * s + 8]) for s in range(4))  # type: ignore[return-value]


def verify_deal(seed: str, commitment_hex: str, hands: Sequence[Sequence[str]]) -> bool:
    """True when the seed hashes to the commitment AND reproduces the hands (as multisets)."""
    if commitment(seed) != commitment_hex.lower():
        return False
    if len(hands) != 4:
        return False
    expected = deal_from_seed(seed)
    try:
        return all(tuple(sort_pieces(h)) == e for h, e in zip(hands, expected, strict=True))
    except KeyError:
        return False
