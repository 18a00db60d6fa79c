"""Declaration rules (rules.md §5): range 0..8, last declarer, zero streak."""

from __future__ import annotations

from collections.abc import Sequence

MAX_DECLARATION = 8
#: A player with this many consecutive previous 0-rounds must declare ≥ 1.
ZERO_STREAK_LIMIT = 2


def forbidden_declarations(previous: Sequence[int], zero_streak: int) -> dict[int, tuple[str, str]]:
    """value -> (code, human reason) for every value 0..8 this declarer may not use."""
    out: dict[int, tuple[str, str]] = {}
    if zero_streak >= ZERO_STREAK_LIMIT:
        out[0] = ("zero_streak",
                  "You declared 0 in each of the two previous rounds; declare at least 1.")
    if len(previous) == 3:
        f = MAX_DECLARATION - sum(previous)
        if 0 <= f <= MAX_DECLARATION:
            out[f] = ("forbidden_declaration",
                      f"As last declarer you may not declare {f}: the total would be exactly 8.")
    return out


def allowed_declarations(previous: Sequence[int], zero_streak: int) -> set[int]:
    """Values the next declarer may use; the declarer is last when 3 values precede."""
    bad = forbidden_declarations(previous, zero_streak)
    return {v for v in range(MAX_DECLARATION + 1) if v not in bad}
