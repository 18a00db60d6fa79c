"""Deterministic, implementation-independent dealing and deal verification (rules §3).

Two shuffle versions exist; each deal records the one it used (``shuffle`` in
``hands_dealt``, absent = 1), so a stored deal verifies forever. Both are
documented in docs/engine.md so anyone can check a deal:

1. ``deck`` = the canonical 32-piece DECK (strongest kind first, repeats adjacent).
2. For ``i`` from 31 down to 1 (``c`` = 31 − i = 0, 1, ..., 30), draw ``r``, set
   ``j = r mod (i + 1)`` and swap ``deck[i]`` and ``deck[j]`` (Fisher–Yates), where

   * version 1: ``r`` = the first 8 bytes, big-endian, of
     ``SHA-256(utf8(seed + ":" + str(c)))`` (31 digests);
   * version 2: ``r`` = the big-endian unsigned 32-bit integer at bytes
     ``4·(c mod 8) .. 4·(c mod 8) + 3`` of ``SHA-256(utf8(seed + ":" + str(c div 8)))``
     (4 digests of 8 draws each, the last uses 7). ``r mod n`` for ``n ≤ 32``
     is biased by less than ``n / 2**32 < 1e-8`` per draw.
3. Seat ``s`` gets ``deck[8s : 8s + 8]``, sorted strongest first.

The commitment published with the deal is ``SHA-256(utf8(seed))`` in lowercase hex.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Sequence

from .pieces import DECK, sort_pieces

Hands = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]

# What new deals use; stored deals keep the version they were dealt with.
SHUFFLE_VERSION = 2


def commitment(seed: str) -> str:
    """SHA-256 hex of the seed, published before the seed is revealed."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


# (counter bytes, i, i + 1) for each Fisher–Yates step, and the big-endian
# read of a digest's first 8 bytes: precomputed because every round deals.
_STEPS = tuple((b"%d" % c, i, i + 1) for c, i in enumerate(range(len(DECK) - 1, 0, -1)))
_first_u64 = struct.Struct(">Q").unpack_from


def _shuffled_deck_v1(seed: str) -> list[str]:
    """Version 1: one SHA-256 per Fisher–Yates step (see module docstring)."""
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


# (c, i, i + 1) for each step; the eight big-endian 32-bit words of a digest.
_V2_STEPS = tuple((c, i, i + 1) for c, i in enumerate(range(len(DECK) - 1, 0, -1)))
_words = struct.Struct(">8I").unpack
_sha256 = hashlib.sha256


def _shuffled_deck_v2(seed: str) -> list[str]:
    """Version 2: four SHA-256 digests, eight 32-bit draws each (see module docstring)."""
    prefix = f"{seed}:".encode()
    draws = (_words(_sha256(prefix + b"0").digest()) + _words(_sha256(prefix + b"1").digest())
             + _words(_sha256(prefix + b"2").digest()) + _words(_sha256(prefix + b"3").digest()))
    deck = list(DECK)
    for c, i, n in _V2_STEPS:  # 31 steps: draws[31] is unused
        j = draws[c] % n
        deck[i], deck[j] = deck[j], deck[i]
    return deck


_SHUFFLES: dict[int, Callable[[str], list[str]]] = {1: _shuffled_deck_v1, 2: _shuffled_deck_v2}


def shuffled_deck(seed: str, version: int = SHUFFLE_VERSION) -> list[str]:
    """The deck after the seed's shuffle; ValueError for an unknown version."""
    shuffle = _SHUFFLES.get(version) if type(version) is int else None
    if shuffle is None:
        raise ValueError(f"unknown shuffle version {version!r}")
    return shuffle(seed)


def deal_from_seed(seed: str, version: int = SHUFFLE_VERSION) -> Hands:
    """The four 8-piece hands the seed produces, each sorted strongest first."""
    d = shuffled_deck(seed, version)
    return tuple(sort_pieces(d[8 * s: 8 * s + 8]) for s in range(4))  # type: ignore[return-value]


def verify_deal(seed: str, commitment_hex: str, hands: Sequence[Sequence[str]],
                version: int) -> bool:
    """True when the seed hashes to the commitment AND reproduces the hands (as
    multisets) with shuffle ``version``, the one the deal recorded (required:
    a default would silently check a deal with the wrong algorithm). An
    unknown version cannot reproduce anything: False."""
    if commitment(seed) != commitment_hex.lower():
        return False
    if len(hands) != 4 or type(version) is not int or version not in _SHUFFLES:
        return False
    expected = deal_from_seed(seed, version)
    try:
        return all(tuple(sort_pieces(h)) == e for h, e in zip(hands, expected, strict=True))
    except KeyError:
        return False
