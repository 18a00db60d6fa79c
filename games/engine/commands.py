"""Commands: what a player (or the service on its behalf) asks the engine to do.

Every command carries a ``seed`` the service fills with fresh randomness; the
engine uses it only when the command causes a deal (and ActForSeat also uses
it to make the bot's choice deterministic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

DEFAULT_PLAYERS = ("Seat 0", "Seat 1", "Seat 2", "Seat 3")
AUTO_REASONS = ("bot", "timeout", "disconnected")


@dataclass(frozen=True)
class StartGame:
    """Start a new game (WAITING) or play again (GAME_OVER): totals reset, round 1 dealt."""

    type: ClassVar[str] = "start_game"
    seed: str
    players: tuple[str, ...] = DEFAULT_PLAYERS
    target_score: int = 50


@dataclass(frozen=True)
class RedealDecision:
    """A weak, undecided seat accepts or declines the open redeal offer."""

    type: ClassVar[str] = "redeal_decision"
    seat: int
    accept: bool
    seed: str = ""


@dataclass(frozen=True)
class CloseRedealWindow:
    """The redeal window expired: undecided weak seats decline, then the offer resolves."""

    type: ClassVar[str] = "close_redeal_window"
    seed: str = ""


@dataclass(frozen=True)
class Declare:
    """Declare how many piles this seat expects to capture this round."""

    type: ClassVar[str] = "declare"
    seat: int
    value: int
    seed: str = ""


@dataclass(frozen=True)
class Play:
    """Put pieces into the current turn."""

    type: ClassVar[str] = "play"
    seat: int
    pieces: tuple[str, ...]
    seed: str = ""


@dataclass(frozen=True)
class StartNextRound:
    """Leave SCORING and deal the next round (the service sends it after its pause)."""

    type: ClassVar[str] = "start_next_round"
    seed: str


@dataclass(frozen=True)
class ActForSeat:
    """Let the strategic bot take this seat's pending action (bot seat, timeout, disconnect)."""

    type: ClassVar[str] = "act_for_seat"
    seat: int
    reason: str = "bot"
    seed: str = ""


Command = (
    StartGame | RedealDecision | CloseRedealWindow | Declare | Play | StartNextRound | ActForSeat
)

COMMAND_TYPES: dict[str, type] = {
    c.type: c
    for c in (StartGame, RedealDecision, CloseRedealWindow, Declare, Play, StartNextRound,
              ActForSeat)
}
