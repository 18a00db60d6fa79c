"""Round scoring and the end of the game (rules.md §8-§9)."""

from __future__ import annotations

from collections.abc import Sequence


def base_score(declared: int, captured: int) -> int:
    """Base score before the redeal multiplier."""
    if declared == 0:
        return 3 if captured == 0 else -captured
    if captured == declared:
        return declared + 5
    return -abs(declared - captured)


def round_score(declared: int, captured: int, multiplier: int) -> int:
    """Base × the round's redeal multiplier; e.g. d 3, a 3, one redeal → 16."""
    return base_score(declared, captured) * multiplier


def ranking(totals: Sequence[int]) -> tuple[int, ...]:
    """Seats by total, highest first; equal totals keep seat order (a display choice)."""
    return tuple(sorted(range(len(totals)), key=lambda s: (-totals[s], s)))


def winners(totals: Sequence[int]) -> tuple[int, ...]:
    """Every seat with the highest total (ties share the win)."""
    best = max(totals)
    return tuple(s for s, t in enumerate(totals) if t == best)
