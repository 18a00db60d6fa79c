"""Piece kinds, their points and glyphs (rules.md §1).

A kind is a string ``NAME_COLOUR``; every kind has a distinct point value
1..14, so points also give a total strength order.
"""

from __future__ import annotations

from collections.abc import Iterable

NAMES: tuple[str, ...] = (
    "GENERAL", "ADVISOR", "ELEPHANT", "CHARIOT", "HORSE", "CANNON", "SOLDIER",
)
COLOURS: tuple[str, ...] = ("RED", "BLACK")

_RED_POINTS = {"GENERAL": 14, "ADVISOR": 12, "ELEPHANT": 10, "CHARIOT": 8,
               "HORSE": 6, "CANNON": 4, "SOLDIER": 2}
COPIES: dict[str, int] = {"GENERAL": 1, "ADVISOR": 2, "ELEPHANT": 2, "CHARIOT": 2,
                          "HORSE": 2, "CANNON": 2, "SOLDIER": 5}

#: kind -> points; black is one point below the red of the same name.
POINTS: dict[str, int] = {}
for _name in NAMES:
    POINTS[f"{_name}_RED"] = _RED_POINTS[_name]
    POINTS[f"{_name}_BLACK"] = _RED_POINTS[_name] - 1

#: The 14 kinds, strongest first.
KINDS: tuple[str, ...] = tuple(sorted(POINTS, key=lambda k: -POINTS[k]))

#: kind -> (name, colour)
SPLIT: dict[str, tuple[str, str]] = {k: (k.rsplit("_", 1)[0], k.rsplit("_", 1)[1]) for k in KINDS}

#: The 32-piece deck in canonical order (strongest kind first, repeats adjacent).
#: Dealing shuffles a copy of exactly this sequence, so its order is part of
#: the documented deal algorithm.
DECK: tuple[str, ...] = tuple(k for k in KINDS for _ in range(COPIES[SPLIT[k][0]]))

_RED_GLYPHS = {"GENERAL": "帥", "ADVISOR": "仕", "ELEPHANT": "相", "CHARIOT": "俥",
               "HORSE": "傌", "CANNON": "炮", "SOLDIER": "兵"}
_BLACK_GLYPHS = {"GENERAL": "將", "ADVISOR": "士", "ELEPHANT": "象", "CHARIOT": "車",
                 "HORSE": "馬", "CANNON": "砲", "SOLDIER": "卒"}
#: kind -> traditional glyph.
GLYPHS: dict[str, str] = {
    **{f"{n}_RED": g for n, g in _RED_GLYPHS.items()},
    **{f"{n}_BLACK": g for n, g in _BLACK_GLYPHS.items()},
}

#: Rank of a kind for sorting (0 = strongest).
RANK: dict[str, int] = {k: i for i, k in enumerate(KINDS)}

#: A hand is weak when no piece is worth more than this (rules §3).
WEAK_LIMIT = 9


def sort_pieces(pieces: Iterable[str]) -> tuple[str, ...]:
    """Sort strongest first (the order hands are stored and shown in)."""
    return tuple(sorted(pieces, key=RANK.__getitem__))


def is_weak_hand(hand: Iterable[str]) -> bool:
    """True when no piece is worth more than 9 points (ELEPHANT_BLACK = 9 does not help)."""
    return all(POINTS[p] <= WEAK_LIMIT for p in hand)
